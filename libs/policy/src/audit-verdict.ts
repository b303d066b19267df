/**
 * The verdict of an audit of an auto-approval, as the review app (which closes the audit) and
 * feedback (which counts it as evidence about the AI) both need it: one rule, here.
 *
 * answers: what each person said, in order (their outcome; the AI's recommendation when they
 * approved). Without confirmOverride the first answer is the verdict. With it (the guide's
 * AI–human disagreement, arbitration.aiDisagreementTiers) an answer that upholds the AI is the
 * verdict at once; a first overturn waits for a second person, whose approval upholds the AI and
 * whose same answer confirms the overturn; a third answer (neither the AI's nor the first
 * overturn's) waits for a senior arbiter, whose word is the verdict. Two people who each reject a
 * right AI with a different answer are weak evidence that it was wrong: with reviewers wrong e of
 * the time, both reject it about e² of the time, which must not count against the model.
 *
 * Returns the index of the answer that is the verdict, or undefined while it waits.
 */
export function auditVerdictAt(recommendation: string, confirmOverride: boolean, answers: readonly string[]): number | undefined {
  const [first, second, third] = answers;
  if (first === undefined) return undefined;
  if (first === recommendation || !confirmOverride) return 0;
  if (second === undefined) return undefined;
  if (second === recommendation || second === first) return 1;
  return third === undefined ? undefined : 2;
}
