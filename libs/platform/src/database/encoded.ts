/**
 * A document stored as one JSON string (`body`) beside the few fields a query or an update
 * filter names (always `_id` and `version`). FerretDB (v1, SQLite) pays per field on every read
 * and write: a review queue item (4 KB, ~60 fields) costs it 2.0 ms to replace and 2.1 ms to
 * read nested, 0.7 and 0.8 ms encoded; a feedback day document (13.5 KB) 5.2 and 5.0 ms nested,
 * 1.3 and 1.1 ms encoded; reading a collection of 100 of them 352 ms nested, 38 ms encoded
 * (/tmp probe on this machine, 2026-12-02). MongoDB reads either form the same.
 *
 * The fields kept outside are stored natively (a Date stays a Date) and also win over the body
 * when decoding. A document written before this encoding (no `body`) decodes as it is.
 */
export interface EncodedDocument {
  _id: string;
  version: number;
  body: string;
}

export interface DocumentCodec<T> {
  encode(doc: T): EncodedDocument;
  decode(stored: EncodedDocument | T): T;
}

/** A codec keeping `outside` (besides `_id` and `version`) as native fields. T has no `body` of its own. */
export function documentCodec<T extends { _id: string; version: number; body?: never }>(outside: readonly (keyof T & string)[] = []): DocumentCodec<T> {
  const kept = new Set<string>(['_id', 'version', ...outside]);
  return {
    encode(doc) {
      const body: Record<string, unknown> = {};
      const native: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(doc)) {
        if (value === undefined) continue;
        if (kept.has(key)) native[key] = value;
        else body[key] = value;
      }
      return { ...native, body: JSON.stringify(body) } as EncodedDocument;
    },
    decode(stored) {
      if (typeof (stored as Partial<EncodedDocument>).body !== 'string') return stored as T;
      const { body, ...native } = stored as EncodedDocument & Record<string, unknown>;
      return { ...(JSON.parse(body) as object), ...native } as T;
    },
  };
}
