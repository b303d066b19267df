import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import type { Kafka } from 'kafkajs';
import { createKafka } from '../kafka';
import { EventPublisher } from '../publisher';
import { KafkaHealthIndicator } from './kafka.health';
import { MessagingService, type MessagingModuleOptions } from './messaging.service';
import { KAFKA_CLIENT, MESSAGING_OPTIONS } from './tokens';

/**
 * Our Kafka integration for Nest, instead of @nestjs/microservices' Kafka transport: that one
 * retries a failing handler forever and has no dead-letter topic and no batches.
 */
@Module({})
export class MessagingModule implements OnApplicationShutdown {
  constructor(private readonly health: KafkaHealthIndicator) {}

  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule, TerminusModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: KAFKA_CLIENT, useFactory: () => createKafka(options) },
        { provide: EventPublisher, useFactory: (kafka: Kafka) => new EventPublisher(kafka, options), inject: [KAFKA_CLIENT] },
        KafkaHealthIndicator,
        MessagingService,
      ],
      exports: [EventPublisher, KafkaHealthIndicator, MessagingService, KAFKA_CLIENT, MESSAGING_OPTIONS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.health.close();
  }
}
