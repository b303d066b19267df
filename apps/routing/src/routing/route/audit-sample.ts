import { createHash } from 'node:crypto';

/**
 * Deterministic: the same case is always in or out of the sample, whichever replica decides and
 * however often the event is redelivered; over many cases the share approaches `rate`.
 */
export function inAuditSample(caseId: string, rate: number): boolean {
  if (rate <= 0) return false;
  const bucket = createHash('sha256').update(caseId).digest().readUInt32BE(0) / 0x1_0000_0000;
  return bucket < rate;
}
