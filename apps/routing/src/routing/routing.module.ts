import { DB_CONNECTION } from '@hitl/platform';
import type { Policy } from '@hitl/policy';
import { Module, type DynamicModule } from '@nestjs/common';
import type { Connection } from 'mongoose';
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
        { provide: CaseProcessor, useFactory: (store: CaseStore) => new CaseProcessor(store, policy), inject: [CaseStore] },
        RoutingPipeline,
      ],
      exports: [CaseStore],
    };
  }
}
