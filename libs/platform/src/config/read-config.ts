import type { z } from 'zod';
import { ConfigError } from './config-error';

/** A secret's value is never echoed back (it would land in logs); a URI's password is masked. */
export function shown(variable: string, raw: string): string {
  if (/SECRET|PASSWORD|TOKEN|(^|_)KEY$/.test(variable)) return `a value of ${raw.length} characters`;
  return JSON.stringify(raw.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]+):[^@/]*@/i, '$1:***@'));
}

/** Parses the environment once, at startup, into a typed object; throws ConfigError naming each bad variable. */
export function readConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const cleaned: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    // An empty variable means "not set": Kubernetes manifests and shells produce them easily.
    if (value !== undefined && value.trim() !== '') cleaned[name] = value.trim();
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '(environment)');
      const raw = cleaned[variable];
      return { variable, message: raw === undefined ? issue.message : `${issue.message} (got ${shown(variable, raw)})` };
    }),
  );
}
