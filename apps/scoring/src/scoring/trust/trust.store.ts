import type { TrustUpdatedV1 } from '@hitl/contracts';
import { applyIfNewer } from '@hitl/messaging';
import { DB_CONNECTION } from '@hitl/platform';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';

type StoredTrust = { _id: string; update: TrustUpdatedV1 };

const keyOf = (category: string, modelVersion: string) => `${category}|${modelVersion}`;

/**
 * The latest trust update of each category and model (trust.updated), stored so a restarted or
 * new replica gates the same way, and held in memory for the hot path. An older version never
 * replaces a newer one, whichever replica or redelivery brings it.
 */
@Injectable()
export class TrustStore implements OnModuleInit {
  private readonly logger = new Logger('Trust');
  private readonly collection: mongo.Collection<StoredTrust>;
  private updates = new Map<string, TrustUpdatedV1>();

  constructor(@Inject(DB_CONNECTION) connection: Connection) {
    this.collection = connection.db!.collection<StoredTrust>('scoring_trust');
  }

  async onModuleInit(): Promise<void> {
    await this.refresh();
  }

  of(category: string, modelVersion: string): TrustUpdatedV1 | undefined {
    return this.updates.get(keyOf(category, modelVersion));
  }

  async apply(update: TrustUpdatedV1): Promise<void> {
    const key = keyOf(update.category, update.modelVersion);
    await applyIfNewer(this.collection, key, update.version, { $set: { update } });
    if ((this.updates.get(key)?.version ?? 0) < update.version) this.updates.set(key, update);
    this.logger.log({ message: 'trust updated', category: update.category, modelVersion: update.modelVersion, state: update.state, threshold: update.threshold, auditRate: update.auditRate, mode: update.mode, version: update.version });
  }

  async refresh(): Promise<void> {
    const next = new Map<string, TrustUpdatedV1>();
    for (const stored of await this.collection.find({}).toArray()) next.set(stored._id, stored.update);
    // One applied here while the read was in flight is newer than what the read saw.
    for (const [key, mine] of this.updates) if (mine.version > (next.get(key)?.version ?? 0)) next.set(key, mine);
    this.updates = next;
  }
}
