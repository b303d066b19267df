import { createHash } from 'node:crypto';

/**
 * Deterministic sampling by key (routing's audits, the review app's calibration exercises): the
 * same case is always in or out of the sample, whichever replica decides and however often the
 * event is redelivered; over many cases the share approaches `rate`. `salt` makes independent
 * samples of the same keys.
 */
export function inSample(key: string, rate: number, salt = ''): boolean {
  if (rate <= 0) return false;
  const bucket = createHash('sha256').update(salt + key).digest().readUInt32BE(0) / 0x1_0000_0000;
  return bucket < rate;
}
