import { Topics } from '@hitl/contracts';
import { KAFKA_CLIENT, MESSAGING_OPTIONS, TransactionalTransformer, type Kafka, type MessagingModuleOptions } from '@hitl/messaging';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { PeriodicSync } from './periodic-sync';
import { Scorer } from './scorer';

/**
 * The scoring hop: prediction.submitted → prediction.scored in one Kafka transaction per chunk
 * (outputs, dead letters and input offsets together), in the service's consumer group
 * (`hitl.scoring`, with the deployment's topic prefix). Started once the app is wired, stopped
 * before anything it uses is closed.
 */
@Injectable()
export class ScoringHop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private transformer: TransactionalTransformer<typeof Topics.PredictionSubmitted> | undefined;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    private readonly scorer: Scorer,
    private readonly sync: PeriodicSync,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const options = this.options;
    this.transformer = new TransactionalTransformer(this.kafka, options, {
      groupId: options.groupId,
      topic: Topics.PredictionSubmitted,
      transform: (events) => this.scorer.score(events),
      // Partitions are scored concurrently and committed one transaction at a time (the
      // transformer serialises them), so one partition's commit overlaps another's scoring.
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      maxChunk: options.maxChunk,
      sessionTimeoutMs: options.sessionTimeoutMs,
    });
    await this.transformer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.transformer?.stop();
    await this.sync.stopAndFlush();
  }
}
