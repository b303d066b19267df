/**
 * The quorum of a review, as routing (which applies votes) and the review app (which refuses
 * them early, and says whose vote is missing) both need it: one rule, here.
 */

/** Required roles (the tier's, and escalation targets that must decide) with no vote yet. */
export function missingRoles(requiredRoles: readonly string[] | undefined, votedRoles: readonly string[]): string[] {
  return (requiredRoles ?? []).filter((r) => !votedRoles.includes(r));
}

/**
 * The roles the next vote must come from, or [] when any eligible role may give it: once the
 * approvals left are all needed for required roles still missing, only a vote in one of those
 * counts (two managers do not make a dual approval that needs a compliance officer).
 */
export function rolesTheQuorumNeeds(quorum: { requiredRoles?: readonly string[]; requiredApprovals: number; votedRoles: readonly string[] }): string[] {
  const missing = missingRoles(quorum.requiredRoles, quorum.votedRoles);
  const left = quorum.requiredApprovals - quorum.votedRoles.length;
  return missing.length > 0 && left <= missing.length ? missing : [];
}
