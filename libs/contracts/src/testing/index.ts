// Test helpers for any lib or app that handles our events. Not part of the main entry point:
// it depends on fast-check, a dev dependency.
export * from './arbitraries';
export * from './adversarial';
