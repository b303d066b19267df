/** One bad field of a policy document: where it is (`tiers[2].eligibleRoles`) and what is wrong. */
export interface PolicyProblem {
  path: string;
  message: string;
}

/**
 * A policy that cannot be used. The message names the file and the path of every bad field,
 * because an operator reads it in a crash-looping pod's log, not in a debugger.
 */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';

  constructor(
    /** The file (or label) the policy came from. */
    readonly source: string,
    readonly problems: PolicyProblem[],
  ) {
    super(`policy ${source}: ${problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ')}`);
  }
}
