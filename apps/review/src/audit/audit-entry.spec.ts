import fc from 'fast-check';
import { AUDIT_ACTIONS, canonicalJson, GENESIS_HASH, hashEntry, sealEntry, verifyEntries, type AuditEntry, type AuditInput } from './audit-entry';

const T0 = new Date('2026-11-25T09:00:00.000Z');

function chain(inputs: AuditInput[]): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const [i, input] of inputs.entries()) entries.push(sealEntry(input, entries.at(-1) ?? null, new Date(T0.getTime() + i * 1_000)));
  return entries;
}

const login = (userId: string): AuditInput => ({ actor: { userId, roles: ['reviewer'] }, action: 'login', from: { ip: '10.0.0.7', userAgent: 'Firefox' } });
const approve = (userId: string, caseId: string): AuditInput => ({ actor: { userId }, action: 'approve', target: caseId, from: { ip: '10.0.0.7' }, details: { note: 'ok' } });
const sample = () => chain([login('alice'), approve('alice', 'case-1'), { actor: { userId: null }, action: 'login_failed', from: { ip: '10.0.0.9' }, details: { username: 'mallory' } }, approve('alice', 'case-2'), login('bob')]);

describe('canonicalJson', () => {
  it('sorts keys at every depth, integer-like keys included, and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, 10: 'x', 9: 'y' })).toBe('{"10":"x","9":"y","a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('follows JSON.stringify for undefined, toJSON and non-finite numbers', () => {
    expect(canonicalJson({ gone: undefined, when: new Date(T0), list: [undefined, NaN, Infinity] })).toBe('{"list":[null,null,null],"when":"2026-11-25T09:00:00.000Z"}');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('writes any JSON value so that reading it back and writing it again gives the same text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('sealEntry', () => {
  it('chains entries from the genesis hash, numbering them 1, 2, 3, …', () => {
    const entries = sample();
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[0].prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < entries.length; i++) expect(entries[i].prevHash).toBe(entries[i - 1].hash);
    for (const entry of entries) expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(entries[0].at).toBe('2026-11-25T09:00:00.000Z');
  });

  it('stores plain JSON, so what was hashed survives a database round trip', () => {
    const entry = sealEntry({ actor: { userId: 'alice' }, action: 'claim', target: undefined, from: { ip: '::1' }, details: { since: new Date(T0), skipped: undefined } }, null, T0);
    expect(entry).toEqual({ seq: 1, at: T0.toISOString(), actor: { userId: 'alice' }, action: 'claim', from: { ip: '::1' }, details: { since: T0.toISOString() }, prevHash: GENESIS_HASH, hash: entry.hash });
    expect('target' in entry).toBe(false);
    expect(hashEntry(JSON.parse(JSON.stringify(entry)) as AuditEntry)).toBe(entry.hash);
  });

  it('keeps a time the caller gives', () => {
    expect(sealEntry({ ...login('alice'), at: '2026-01-01T00:00:00.000Z' }, null, T0).at).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('verifyEntries', () => {
  it('accepts an intact chain and an empty one', () => {
    expect(verifyEntries(sample())).toEqual({ ok: true, count: 5 });
    expect(verifyEntries([])).toEqual({ ok: true, count: 0 });
  });

  it('names an edited entry (hash mismatch)', () => {
    const entries = sample();
    entries[2] = { ...entries[2], details: { username: 'alice' } };
    expect(verifyEntries(entries)).toMatchObject({ ok: false, count: 2, firstBroken: { seq: 3, reason: 'hash_mismatch' } });
  });

  it('names the entry after a removed one (seq gap), the first one included', () => {
    const entries = sample();
    expect(verifyEntries([...entries.slice(0, 2), ...entries.slice(3)])).toMatchObject({ ok: false, count: 2, firstBroken: { seq: 4, reason: 'seq_gap' } });
    expect(verifyEntries(entries.slice(1))).toMatchObject({ ok: false, count: 0, firstBroken: { seq: 2, reason: 'seq_gap' } });
  });

  it('names reordered entries (seq gap)', () => {
    const entries = sample();
    [entries[1], entries[2]] = [entries[2], entries[1]];
    expect(verifyEntries(entries)).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: 'seq_gap' } });
  });

  it('names the entry after one replaced by a correctly hashed forgery (prevHash mismatch)', () => {
    const entries = sample();
    entries[1] = sealEntry({ ...approve('alice', 'case-1'), action: 'override' }, entries[0], T0);
    const result = verifyEntries(entries);
    expect(result).toMatchObject({ ok: false, count: 2, firstBroken: { seq: 3, reason: 'prev_hash_mismatch' } });
    expect(!result.ok && result.firstBroken.message).toContain('entry #2');
  });

  it('names a first entry that does not start from the genesis hash', () => {
    const entries = chain([login('alice'), login('bob')]);
    const forged = sealEntry(login('eve'), { seq: 0, hash: 'f'.repeat(64) }, T0);
    expect(verifyEntries([forged, ...entries.slice(1)])).toMatchObject({ ok: false, count: 0, firstBroken: { seq: 1, reason: 'prev_hash_mismatch' } });
  });
});

describe('any edit of any single entry is named at that entry, as an edit', () => {
  const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/);
  const input: fc.Arbitrary<AuditInput> = fc.record(
    {
      actor: fc.oneof(fc.record({ userId: word, roles: fc.subarray(['reviewer', 'senior_reviewer', 'admin']) }, { requiredKeys: ['userId'] }), fc.constant({ userId: null })),
      action: fc.constantFrom(...AUDIT_ACTIONS),
      target: word,
      from: fc.record({ ip: fc.ipV4(), userAgent: fc.string() }, { requiredKeys: ['ip'] }),
      details: fc.dictionary(word, fc.jsonValue(), { maxKeys: 3 }),
    },
    { requiredKeys: ['actor', 'action', 'from'] },
  );
  const paths = [['seq'], ['at'], ['actor'], ['actor', 'userId'], ['actor', 'roles'], ['action'], ['target'], ['from', 'ip'], ['from', 'userAgent'], ['details'], ['details', 'note'], ['prevHash'], ['hash']];
  // undefined stands for "remove the field".
  const edit = fc.record({ at: fc.nat(), path: fc.constantFrom(...paths), value: fc.option(fc.jsonValue(), { nil: undefined }) });

  function edited(entry: AuditEntry, path: string[], value: unknown): AuditEntry {
    const copy = structuredClone(entry) as unknown as Record<string, unknown>;
    let node = copy;
    for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    if (value === undefined) delete node[path.at(-1)!];
    else node[path.at(-1)!] = value;
    return copy as unknown as AuditEntry;
  }

  it('holds for random chains and random edits', () => {
    fc.assert(
      fc.property(fc.array(input, { minLength: 1, maxLength: 12 }), edit, (inputs, { at, path, value }) => {
        const entries = chain(inputs);
        const i = at % entries.length;
        const changed = edited(entries[i], path, value);
        fc.pre(canonicalJson(changed) !== canonicalJson(entries[i])); // an edit that changes nothing is not an edit
        entries[i] = changed;
        expect(verifyEntries(entries)).toMatchObject({ ok: false, count: i, firstBroken: { seq: entries[i].seq, reason: 'hash_mismatch' } });
      }),
      { numRuns: 1_000 },
    );
  });

  it('and the removal of any entry but the last is named at the entry after it', () => {
    fc.assert(
      fc.property(fc.array(input, { minLength: 2, maxLength: 12 }), fc.nat(), (inputs, at) => {
        const entries = chain(inputs);
        const i = at % (entries.length - 1);
        expect(verifyEntries(entries.filter((_, j) => j !== i))).toMatchObject({ ok: false, count: i, firstBroken: { seq: i + 2, reason: 'seq_gap' } });
      }),
    );
  });
});
