import { Topics, type TopicName } from '@hitl/contracts';
import { KAFKA_CLIENT, MESSAGING_OPTIONS, TransactionalTransformer, type IncomingEvent, type Kafka, type MessagingModuleOptions, type OutgoingEvent } from '@hitl/messaging';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { inParallel } from './in-parallel';
import { caseIdOf, CaseProcessor, outputEventId, type ProcessResult, type RoutingInput } from './case-processor';

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
          maxChunk: this.options.maxChunk,
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

  /**
   * In order per case: two events of one case in a chunk must see each other's effects. The
   * first scored event of each case in the chunk is opened in one bulk insert (the auto path's
   * hot loop); everything else is applied one by one per case, different cases concurrently
   * (each is a few database round trips: one case at a time made the whole chunk wait on them).
   */
  private async route(events: IncomingEvent<RoutingTopic>[]): Promise<OutgoingEvent[]> {
    const inputs = events.map(
      (event) => ({ topic: event.topic, id: event.id, data: event.data, position: { partition: event.partition, offset: event.offset } }) as RoutingInput,
    );
    const results: (ProcessResult | undefined)[] = new Array(inputs.length);
    const seen = new Set<string>();
    const fresh: number[] = [];
    inputs.forEach((input, i) => {
      const caseId = caseIdOf(input);
      if (input.topic === Topics.PredictionScored && !seen.has(caseId)) fresh.push(i);
      seen.add(caseId);
    });
    const opened = await this.processor.openMany(fresh.map((i) => inputs[i] as RoutingInput & { topic: typeof Topics.PredictionScored }));
    fresh.forEach((i, k) => (results[i] = opened[k]));
    // A verdict on a calibration exercise (a past case replayed to a reviewer) decides nothing.
    const skipped = (i: number) => events[i].topic === Topics.ReviewDecided && (events[i].data as { exercise?: true }).exercise === true;
    const perCase = new Map<string, number[]>();
    inputs.forEach((input, i) => {
      if (results[i] !== undefined || skipped(i)) return;
      const caseId = caseIdOf(input);
      const indices = perCase.get(caseId) ?? [];
      indices.push(i);
      perCase.set(caseId, indices);
    });
    await inParallel([...perCase.values()], CASES_AT_ONCE, async (indices) => {
      for (const i of indices) results[i] = await this.processor.process(inputs[i]);
    });
    const out: OutgoingEvent[] = [];
    for (const [i, event] of events.entries()) {
      if (skipped(i)) continue;
      const { eventKey, outputs } = results[i]!;
      outputs.forEach((output, index) =>
        out.push({ topic: output.topic as TopicName, data: output.data, id: outputEventId(eventKey, index), traceContext: event.traceContext } as OutgoingEvent),
      );
    }
    return out;
  }
}

/** Cases of one chunk applied at once (each holds one database connection at a time). */
const CASES_AT_ONCE = 16;
