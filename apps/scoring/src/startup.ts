import { readConfig, readOrExit } from '@hitl/platform';
import { loadPolicy, type Policy } from '@hitl/policy';
import { scoringEnvSchema, type ScoringSettings } from './scoring-settings';

export interface ScoringStartup {
  policy: Policy;
  settings: ScoringSettings;
}

/** What scoring reads once before it boots: its own settings and the policy (POLICY_FILE). */
export function readStartup(env: NodeJS.ProcessEnv = process.env): ScoringStartup {
  return { settings: readConfig(scoringEnvSchema, env), policy: loadPolicy(undefined, env) };
}

/** A bad policy or scoring setting stops the service like a bad service setting: exit 78, one line. */
export function readStartupOrExit(name: string, env: NodeJS.ProcessEnv = process.env): ScoringStartup {
  return readOrExit(name, () => readStartup(env));
}
