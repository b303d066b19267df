import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Kafka } from 'kafkajs';
import { EventConsumer } from '../consumer';
import type { BatchHandlerFn, EventHandlerFn } from '../incoming';
import type { ResolvedMessagingOptions } from '../options';
import { EventPublisher } from '../publisher';
import { handlersOf } from './event-handler.decorator';
import { KAFKA_CLIENT, MESSAGING_OPTIONS } from './tokens';

export interface MessagingModuleOptions extends ResolvedMessagingOptions {
  /** Default consumer group of this app, e.g. "hitl.scoring". */
  groupId: string;
  partitionsConsumedConcurrently?: number;
  /** Records a transactional hop processes and commits at once (per partition). */
  maxChunk?: number;
  sessionTimeoutMs?: number;
}

/**
 * Finds every @EventHandler method at bootstrap, runs one consumer per group, and drains them
 * before Nest closes anything else (beforeApplicationShutdown), then disconnects the producer.
 */
@Injectable()
export class MessagingService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly consumers: EventConsumer[] = [];

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly publisher: EventPublisher,
    private readonly discovery: DiscoveryService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.publisher.connect();
    const byGroup = new Map<string, EventConsumer>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string | symbol, unknown> | undefined;
      if (!instance || !wrapper.metatype) continue;
      for (const handler of handlersOf(wrapper.metatype)) {
        const groupId = handler.group ? `${this.options.groupId}.${handler.group}` : this.options.groupId;
        let consumer = byGroup.get(groupId);
        if (!consumer) {
          consumer = new EventConsumer(this.kafka, this.options, this.publisher, {
            groupId,
            partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
            sessionTimeoutMs: this.options.sessionTimeoutMs,
          });
          byGroup.set(groupId, consumer);
        }
        const method = (instance[handler.method] as (...args: unknown[]) => Promise<void>).bind(instance);
        if (handler.batch) consumer.handleBatch(handler.topic, method as BatchHandlerFn);
        else consumer.handle(handler.topic, method as EventHandlerFn);
      }
    }
    this.consumers.push(...byGroup.values());
    await Promise.all(this.consumers.map((consumer) => consumer.start()));
  }

  consumerGroups(): string[] {
    return this.consumers.map((consumer) => consumer.groupId);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.disconnect();
  }
}
