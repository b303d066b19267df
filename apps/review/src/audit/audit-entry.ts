import { createHash } from 'node:crypto';

/**
 * One line of the review app's audit log: who did what, when, from where. Entries form a hash
 * chain: each carries the hash of the one before, so editing, removing, inserting or reordering
 * an entry shows at that entry when the chain is verified.
 */
export const AUDIT_ACTIONS = ['login', 'login_failed', 'login_locked', 'logout', 'claim', 'release', 'approve', 'override', 'request_info', 'escalate', 'automation_stop', 'automation_lift'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** A failed login has no user: the attempted name goes into `details`. */
export type AuditActor = { userId: string; roles?: string[] } | { userId: null };

export interface AuditOrigin {
  ip: string;
  userAgent?: string;
}

export interface AuditEntry {
  /** 1, 2, 3, … without gaps. */
  seq: number;
  /** ISO 8601, written by the appending replica's clock. */
  at: string;
  actor: AuditActor;
  action: AuditAction;
  /** The case acted on. */
  target?: string;
  from: AuditOrigin;
  details?: Record<string, unknown>;
  /** The previous entry's hash; GENESIS_HASH for entry #1. */
  prevHash: string;
  /** SHA-256 (hex) of canonicalJson of every other field. */
  hash: string;
}

/** What a caller records; the log assigns seq, prevHash and hash (and `at` unless given). */
export type AuditInput = Omit<AuditEntry, 'seq' | 'at' | 'prevHash' | 'hash'> & { at?: string };

export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted (UTF-16 code unit order, JavaScript's default sort) at every
 * depth and no whitespace, so the same data always hashes the same however it was built or
 * stored. Otherwise JSON.stringify's rules: toJSON is applied, undefined members are dropped,
 * non-finite numbers become null. Hand-written because JSON.stringify orders integer-like keys
 * ("9" before "10") by the engine's rules, not by sorting.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

function write(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(): unknown }).toJSON();
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'bigint') throw new TypeError('canonicalJson: a BigInt has no JSON form');
  if (Array.isArray(value)) return `[${value.map((item) => write(item) ?? 'null').join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort()
      .flatMap((key) => {
        const written = write(record[key]);
        return written === undefined ? [] : [`${JSON.stringify(key)}:${written}`];
      });
    return `{${members.join(',')}}`;
  }
  return undefined; // undefined, functions, symbols: left out, as JSON.stringify does
}

/** The hash an entry must carry: over every field but `hash` itself (prevHash included). */
export function hashEntry(entry: Omit<AuditEntry, 'hash'> | AuditEntry): string {
  const { hash: _ignored, ...rest } = entry as AuditEntry;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/**
 * The entry that follows `previous` (null: the first). The input goes through canonical JSON
 * first, so what is stored is plain JSON data that hashes the same after a database round trip
 * (a Date in details becomes its ISO string; an undefined member is dropped, not stored as null).
 */
export function sealEntry(input: AuditInput, previous: Pick<AuditEntry, 'seq' | 'hash'> | null, now: Date = new Date()): AuditEntry {
  const body = JSON.parse(canonicalJson({ ...input, at: input.at ?? now.toISOString() })) as Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;
  const unsealed = { ...body, seq: (previous?.seq ?? 0) + 1, prevHash: previous?.hash ?? GENESIS_HASH };
  return { ...unsealed, hash: hashEntry(unsealed) };
}

export type BrokenReason = 'hash_mismatch' | 'prev_hash_mismatch' | 'seq_gap';

export interface BrokenEntry {
  seq: number;
  reason: BrokenReason;
  /** One sentence for people: what is wrong and what it suggests. */
  message: string;
  entry: AuditEntry;
}

export type VerifyResult = { ok: true; count: number } | { ok: false; count: number; firstBroken: BrokenEntry };

/**
 * Checks entries one at a time, in seq order, so a log of any length can be streamed through
 * it. `count` is the number of intact entries before the first broken one.
 */
export class ChainVerifier {
  private previous: Pick<AuditEntry, 'seq' | 'hash'> | null = null;
  private checked = 0;
  private broken: BrokenEntry | null = null;

  /** False once an entry is broken: later entries cannot change the answer. */
  push(entry: AuditEntry): boolean {
    if (this.broken) return false;
    this.broken = this.check(entry);
    if (this.broken) return false;
    this.previous = entry;
    this.checked += 1;
    return true;
  }

  result(): VerifyResult {
    return this.broken ? { ok: false, count: this.checked, firstBroken: this.broken } : { ok: true, count: this.checked };
  }

  // The entry's own hash first: an edit of any field (seq and prevHash included) is then named
  // at the edited entry, not at a neighbour.
  private check(entry: AuditEntry): BrokenEntry | null {
    const fail = (reason: BrokenReason, message: string): BrokenEntry => ({ seq: entry.seq, reason, message, entry });
    if (hashEntry(entry) !== entry.hash) return fail('hash_mismatch', 'its hash does not match its content: the entry was edited');
    const expectedSeq = (this.previous?.seq ?? 0) + 1;
    if (entry.seq !== expectedSeq) {
      return fail('seq_gap', `expected entry #${expectedSeq} here: ${entry.seq > expectedSeq ? 'entries were removed' : 'entries were inserted or reordered'}`);
    }
    const expectedPrev = this.previous?.hash ?? GENESIS_HASH;
    if (entry.prevHash !== expectedPrev) {
      return fail('prev_hash_mismatch', `its prevHash is not the hash of ${this.previous ? `entry #${this.previous.seq}` : 'the genesis'}: the entry before it was replaced, or entries were removed`);
    }
    return null;
  }
}

/** Verifies entries given in seq order. */
export function verifyEntries(entries: Iterable<AuditEntry>): VerifyResult {
  const verifier = new ChainVerifier();
  for (const entry of entries) if (!verifier.push(entry)) break;
  return verifier.result();
}
