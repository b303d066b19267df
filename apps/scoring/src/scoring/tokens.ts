/** The validated policy, loaded once at start-up (main.ts). */
export const POLICY = Symbol('POLICY');
/** The scoring service's own settings (scoring-settings.ts). */
export const SCORING_SETTINGS = Symbol('SCORING_SETTINGS');
