import { DB_CONNECTION, ServiceMetrics } from '@hitl/platform';
import type { Policy } from '@hitl/policy';
import { Module, type DynamicModule } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { Counter } from 'prom-client';
import { CaseProcessor } from './process/case-processor';
import { RoutingPipeline } from './process/routing-pipeline';
import { CaseStore, type StoredCase } from './store/case-store';

@Module({})
export class RoutingModule {
  static register(policy: Policy): DynamicModule {
    return {
      module: RoutingModule,
      providers: [
        { provide: CaseStore, useFactory: (db: Connection) => new CaseStore(db.collection<StoredCase>('cases'), db.collection('case_claims')), inject: [DB_CONNECTION] },
        {
          provide: CaseProcessor,
          useFactory: (store: CaseStore, metrics: ServiceMetrics) => {
            // Dropped predictions: exact duplicates here; the others are dead letters, counted by code in hitl_dead_letters_total.
            const duplicates = new Counter({ name: 'hitl_predictions_duplicate_total', help: 'Exact copies of a prediction its case already holds (no-ops).', registers: [metrics.registry] });
            return new CaseProcessor(store, policy, undefined, () => duplicates.inc());
          },
          inject: [CaseStore, ServiceMetrics],
        },
        RoutingPipeline,
      ],
      exports: [CaseStore],
    };
  }
}
