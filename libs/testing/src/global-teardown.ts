/** Stops the containers global-setup started (nothing to do on the default local-stack path). */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__hitlContainers?.stop();
  globalThis.__hitlContainers = undefined;
}
