import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import mongoose, { type Connection } from 'mongoose';

export const DB_CONNECTION = Symbol('DB_CONNECTION');

/** Opens the service's own database (each service owns its collections; none reads another's). */
export async function connectDatabase(uri: string): Promise<Connection> {
  return mongoose
    .createConnection(uri, { serverSelectionTimeoutMS: 5_000, autoIndex: true, maxPoolSize: 20 })
    .asPromise();
}

@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    @Inject(DB_CONNECTION) private readonly connection: Connection,
    private readonly health: HealthIndicatorService,
  ) {}

  async isHealthy(key = 'database') {
    const indicator = this.health.check(key);
    try {
      await this.connection.db!.admin().ping({ maxTimeMS: 2_000 });
      return indicator.up({ name: this.connection.name });
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}

@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DB_CONNECTION) private readonly connection: Connection) {}

  static forRoot(uri: string): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [TerminusModule],
      providers: [{ provide: DB_CONNECTION, useFactory: () => connectDatabase(uri) }, DatabaseHealthIndicator],
      exports: [DB_CONNECTION, DatabaseHealthIndicator],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}
