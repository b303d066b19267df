import { dlqTopicOf, physicalTopic, Topics } from '@hitl/contracts';
import { createTopics, prediction, testBrokers, testKafka, testTopicPrefix, TopicCollector, waitFor } from '@hitl/testing';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NonRetriableError } from '../errors';
import type { IncomingEvent } from '../incoming';
import { resolveOptions } from '../options';
import { EventPublisher } from '../publisher';
import { EventHandler } from './event-handler.decorator';
import { MessagingModule } from './messaging.module';
import { MessagingService } from './messaging.service';

type Submitted = IncomingEvent<typeof Topics.PredictionSubmitted>;

@Injectable()
class PredictionLog {
  readonly seen: string[] = [];
  readonly batches: number[] = [];

  @EventHandler(Topics.PredictionSubmitted)
  async onPrediction(event: Submitted): Promise<void> {
    if (event.data.tags?.includes('poison')) throw new NonRetriableError('refused by the handler', 'REFUSED');
    this.seen.push(event.data.predictionId);
  }

  @EventHandler(Topics.PredictionSubmitted, { batch: true, group: 'batches' })
  async onBatch(events: Submitted[]): Promise<void> {
    this.batches.push(events.length);
  }
}

describe('MessagingModule in a Nest application', () => {
  let app: INestApplicationContext;
  let prefix: string;

  beforeAll(async () => {
    prefix = testTopicPrefix();
    const topic = physicalTopic(Topics.PredictionSubmitted, prefix);
    await createTopics(testKafka(), [topic, dlqTopicOf(topic)], 2);
    const options = resolveOptions({ brokers: testBrokers(), clientId: 'hitl/nest-test', topicPrefix: prefix, retry: { maxAttempts: 2, initialBackoffMs: 10 } });

    @Module({ imports: [MessagingModule.forRoot({ ...options, groupId: `${prefix}nest` })], providers: [PredictionLog] })
    class TestModule {}

    app = await NestFactory.createApplicationContext(TestModule, { logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('runs every @EventHandler, one consumer group per group name, and dead-letters what a handler refuses', async () => {
    expect(app.get(MessagingService).consumerGroups().sort()).toEqual([`${prefix}nest`, `${prefix}nest.batches`]);
    const collector = await TopicCollector.start(testKafka(), [dlqTopicOf(physicalTopic(Topics.PredictionSubmitted, prefix))]);
    try {
      const publisher = app.get(EventPublisher);
      await publisher.publishAll(
        ['n1', 'n2', 'poisoned', 'n3'].map((id) => ({ topic: Topics.PredictionSubmitted, data: prediction(id, { tags: id === 'poisoned' ? ['poison'] : [] }) })),
      );
      const log = app.get(PredictionLog);
      await waitFor(() => log.seen.length === 3 && log.batches.reduce((a, b) => a + b, 0) === 4, { description: 'both handlers to see the events' });
      expect(log.seen.sort()).toEqual(['n1', 'n2', 'n3']);
      const [dead] = await collector.waitForCount(dlqTopicOf(physicalTopic(Topics.PredictionSubmitted, prefix)), 1);
      expect(dead.key).toBe('poisoned');
      expect(dead.headers).toMatchObject({ dlq_error_code: 'REFUSED', dlq_consumer_group: `${prefix}nest` });
    } finally {
      await collector.stop();
    }
  });
});
