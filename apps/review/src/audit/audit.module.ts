import { DB_CONNECTION } from '@hitl/platform';
import { Module } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { AuditLog } from './audit-log';

/** Provides the AuditLog over the service's database (DatabaseModule's connection, which is global). */
@Module({
  providers: [
    {
      provide: AuditLog,
      inject: [DB_CONNECTION],
      useFactory: async (connection: Connection) => {
        const log = new AuditLog(connection.db!);
        await log.ensureIndexes(); // at startup: a database that refuses the index stops the service, not a login
        return log;
      },
    },
  ],
  exports: [AuditLog],
})
export class AuditModule {}
