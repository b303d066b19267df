import { isDuplicateKey } from '@hitl/messaging';
import type { Collection, OptionalUnlessRequiredId } from 'mongodb';

/**
 * Inserts documents that are usually new, in one request; returns the ids that already existed
 * (those were not written). The unique _id index is the check: atomic, and no lookup first.
 */
export async function insertNew<T extends { _id: string }>(collection: Collection<T>, docs: T[]): Promise<Set<string>> {
  if (docs.length === 0) return new Set();
  try {
    await collection.insertMany(docs as OptionalUnlessRequiredId<T>[], { ordered: false });
    return new Set();
  } catch (error) {
    const writeErrors = (error as { writeErrors?: { index: number; code?: number }[] }).writeErrors;
    if (writeErrors && writeErrors.every((w) => w.code === 11000)) return new Set(writeErrors.map((w) => docs[w.index]._id));
    // A single document's duplicate may come without writeErrors (and, on FerretDB, without code 11000).
    if (docs.length === 1 && isDuplicateKey(error)) return new Set([docs[0]._id]);
    throw error;
  }
}
