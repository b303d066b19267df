/**
 * The verdict of an audit of an auto-approval, as the review app (which closes the audit) and
 * feedback (which counts it as evidence about the AI) both need it: one rule, here. Routing
 * applies the same rule to a live override in arbitration.aiDisagreementTiers.
 *
 * answers: what each person said, in order (their outcome; the AI's recommendation when they
 * approved). confirmations: how many people after the first overturn must give its answer
 * before it is the verdict (arbitration.overturnConfirmations; 0: the first answer is the
 * verdict). An answer that upholds the AI before anyone confirmed the overturn is the verdict;
 * an answer that upholds it after someone did, or a third answer (neither the AI's nor the
 * overturn's), leaves it to a senior arbiter, whose word is the verdict. Two people who each
 * reject a right AI with a different answer are weak evidence that it was wrong: with reviewers
 * wrong e of the time, both reject it about e² of the time, which must not count against the model.
 */
export type AuditStage = { verdictAt: number } | { awaits: 'confirmation' | 'arbiter' };

export function auditStageOf(recommendation: string, confirmations: number, answers: readonly string[]): AuditStage {
  const [first, ...rest] = answers;
  if (first === undefined) return { awaits: 'confirmation' };
  if (first === recommendation || confirmations === 0) return { verdictAt: 0 };
  let confirmed = 0;
  for (const [i, answer] of rest.entries()) {
    if (answer === first) {
      confirmed++;
      if (confirmed >= confirmations) return { verdictAt: i + 1 };
      continue;
    }
    if (answer === recommendation && confirmed === 0) return { verdictAt: i + 1 };
    // A split, or a third answer: the next person (an arbiter) decides.
    return i + 2 < answers.length ? { verdictAt: i + 2 } : { awaits: 'arbiter' };
  }
  return { awaits: 'confirmation' };
}

/** The index of the answer that is the verdict, or undefined while it waits. */
export function auditVerdictAt(recommendation: string, confirmations: number, answers: readonly string[]): number | undefined {
  const stage = auditStageOf(recommendation, confirmations, answers);
  return 'verdictAt' in stage ? stage.verdictAt : undefined;
}
