import type { mongo } from 'mongoose';

/** Field holding the ids of the events already applied to a document. */
export const APPLIED_FIELD = '_appliedEvents';

export interface ApplyOnceOptions {
  /** How many recent event ids a document remembers (redeliveries arrive close together). */
  remember?: number;
}

/**
 * Applies `update` to document `_id` once per `eventId`: the effect and the record that it
 * happened are one single-document write, so there is no window in which a crash leaves one
 * without the other. Works without multi-document transactions (FerretDB) and on MongoDB.
 * Returns true if applied, false if this event had been applied before.
 *
 * One writer per document at a time: FerretDB v1.24 does not evaluate an update's filter
 * atomically with its write, so two concurrent writers of the same document can both pass the
 * guard. Consumers get that from Kafka (one partition, one consumer, in order); where several
 * writers may meet, use VersionedWrites (@hitl/platform).
 */
export async function applyOnce<T extends mongo.Document>(
  collection: mongo.Collection<T>,
  id: string,
  eventId: string,
  update: mongo.UpdateFilter<T>,
  options: ApplyOnceOptions = {},
): Promise<boolean> {
  const remember = options.remember ?? 1_000;
  const filter = { _id: id, [APPLIED_FIELD]: { $ne: eventId } } as unknown as mongo.Filter<T>;
  const withMarker = {
    ...update,
    $push: { ...(update.$push ?? {}), [APPLIED_FIELD]: { $each: [eventId], $slice: -remember } },
  } as unknown as mongo.UpdateFilter<T>;
  const applied = await upsertUnlessPresent(collection, filter, withMarker);
  if (applied) await forgetOldest(collection, id, remember);
  return applied;
}

/**
 * Keeps the remembered ids bounded. `$push` with `$slice` would do it in the same write, but
 * FerretDB v1 ignores `$slice` silently, so the oldest id is popped by a second, guarded write
 * (only when the list is over its bound; a crash before it merely remembers one id more).
 */
async function forgetOldest<T extends mongo.Document>(collection: mongo.Collection<T>, id: string, remember: number): Promise<void> {
  const overBound = { _id: id, [`${APPLIED_FIELD}.${remember}`]: { $exists: true } } as unknown as mongo.Filter<T>;
  await collection.updateOne(overBound, { $pop: { [APPLIED_FIELD]: -1 } } as unknown as mongo.UpdateFilter<T>);
}

/**
 * Applies `update` only if `version` is newer than the document's: for events that carry a
 * case version, an old or repeated version is a no-op. Returns true if applied.
 */
export async function applyIfNewer<T extends mongo.Document>(
  collection: mongo.Collection<T>,
  id: string,
  version: number,
  update: mongo.UpdateFilter<T>,
): Promise<boolean> {
  const filter = { _id: id, $or: [{ _version: { $lt: version } }, { _version: { $exists: false } }] } as unknown as mongo.Filter<T>;
  const withVersion = { ...update, $set: { ...(update.$set ?? {}), _version: version } } as unknown as mongo.UpdateFilter<T>;
  return upsertUnlessPresent(collection, filter, withVersion);
}

/**
 * Upserts with a guard in the filter. When the document exists but the guard rejects the
 * update, the filter misses and the upsert's insert collides on _id: that means "already done".
 */
async function upsertUnlessPresent<T extends mongo.Document>(
  collection: mongo.Collection<T>,
  filter: mongo.Filter<T>,
  update: mongo.UpdateFilter<T>,
): Promise<boolean> {
  try {
    const result = await collection.updateOne(filter, update, { upsert: true });
    return result.modifiedCount + result.upsertedCount > 0;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/** MongoDB reports E11000; FerretDB v1 has been seen to word it differently on updates. */
export function isDuplicateKey(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return code === 11000 || code === 11001 || /duplicate key|E11000/i.test(error.message);
}
