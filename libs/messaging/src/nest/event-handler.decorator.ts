import type { TopicName } from '@hitl/contracts';

export const EVENT_HANDLER_METADATA = Symbol('hitl:event-handler');

export interface EventHandlerOptions {
  /** Hand the method arrays of events (one partition's chunk) instead of one at a time. */
  batch?: boolean;
  /** Consumer group suffix; handlers with the same group share one consumer (default: the app's). */
  group?: string;
}

export interface EventHandlerMetadata extends EventHandlerOptions {
  topic: TopicName;
}

/**
 * Marks a provider method as the handler of one topic. Keep the method thin: hand the event
 * to a service that holds the logic (nest sample/03-microservices).
 */
export function EventHandler(topic: TopicName, options: EventHandlerOptions = {}): MethodDecorator {
  return (target, propertyKey) => {
    const existing: (EventHandlerMetadata & { method: string | symbol })[] =
      Reflect.getMetadata(EVENT_HANDLER_METADATA, target.constructor) ?? [];
    Reflect.defineMetadata(EVENT_HANDLER_METADATA, [...existing, { topic, ...options, method: propertyKey }], target.constructor);
  };
}

export function handlersOf(type: object): (EventHandlerMetadata & { method: string | symbol })[] {
  return Reflect.getMetadata(EVENT_HANDLER_METADATA, type) ?? [];
}
