import { invalidPayload } from './errors';
import { contractFor, type EventOf } from './registry';
import type { TopicName } from './topics';

/**
 * Validates an event's data against its topic's contract and returns it with defaults applied
 * and unknown fields dropped. Throws ContractError INVALID_PAYLOAD with readable issues.
 */
export function parseEvent<K extends TopicName>(topic: K, data: unknown): EventOf<K> {
  const contract = contractFor(topic);
  const result = contract.schema.safeParse(data);
  if (!result.success) throw invalidPayload(result.error, `${topic} ${contract.version}`);
  return result.data;
}
