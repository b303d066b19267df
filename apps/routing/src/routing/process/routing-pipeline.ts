import { Topics, type TopicName } from '@hitl/contracts';
import { KAFKA_CLIENT, MESSAGING_OPTIONS, TransactionalTransformer, type IncomingEvent, type Kafka, type MessagingModuleOptions, type OutgoingEvent } from '@hitl/messaging';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CaseProcessor, outputEventId, type RoutingInput } from './case-processor';

const INPUTS = [Topics.PredictionScored, Topics.ReviewDecided, Topics.EscalationFired] as const;
type RoutingTopic = (typeof INPUTS)[number];

/**
 * Routing's three inputs, each a consume-process-produce loop whose outputs and input offsets
 * commit in one Kafka transaction. Events of one case arrive in order per topic (key = case id);
 * across topics the case's version guards the order.
 */
@Injectable()
export class RoutingPipeline implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly transformers: TransactionalTransformer<RoutingTopic>[] = [];

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    private readonly processor: CaseProcessor,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const topic of INPUTS) {
      this.transformers.push(
        new TransactionalTransformer<RoutingTopic>(this.kafka, this.options, {
          groupId: `${this.options.groupId}.${topic}`,
          topic,
          partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
          sessionTimeoutMs: this.options.sessionTimeoutMs,
          transform: (events) => this.route(events),
        }),
      );
    }
    await Promise.all(this.transformers.map((t) => t.start()));
  }

  isRunning(): boolean {
    return this.transformers.length === INPUTS.length && this.transformers.every((t) => t.isRunning());
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.transformers.map((t) => t.stop()));
  }

  /** In order: two events of one case in a chunk must see each other's effects. */
  private async route(events: IncomingEvent<RoutingTopic>[]): Promise<OutgoingEvent[]> {
    const out: OutgoingEvent[] = [];
    for (const event of events) {
      const input = { topic: event.topic, id: event.id, data: event.data, position: { partition: event.partition, offset: event.offset } } as RoutingInput;
      const { eventKey, outputs } = await this.processor.process(input);
      outputs.forEach((output, index) =>
        out.push({ topic: output.topic as TopicName, data: output.data, id: outputEventId(eventKey, index), traceContext: event.traceContext } as OutgoingEvent),
      );
    }
    return out;
  }
}
