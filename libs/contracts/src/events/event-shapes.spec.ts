import { buildJsonSchemas } from '../asyncapi';
import { ContractError } from '../errors';
import { examples, exampleOf } from '../examples';
import { contractFor } from '../registry';
import { ALL_TOPICS } from '../topics';
import { parseEvent } from '../validate';

/** Adds an unknown field to every object of an event except free-form `input` records. */
function withFutureFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withFutureFields);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = { addedInV1_1: 'ignored by v1 readers' };
  for (const [key, child] of Object.entries(value)) out[key] = key === 'input' ? child : withFutureFields(child);
  return out;
}

function rejection(fn: () => unknown): ContractError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractError) return error;
    throw error;
  }
  throw new Error('expected a ContractError');
}

describe.each(ALL_TOPICS)('%s v1', (topic) => {
  const required = (buildJsonSchemas()[topic] as { required: string[] }).required;

  it('accepts its example unchanged', () => {
    expect(contractFor(topic).schema.parse(examples[topic])).toEqual(examples[topic]);
  });

  it.each(required)('rejects the event without %s, naming the field', (field) => {
    const event = exampleOf(topic) as Record<string, unknown>;
    delete event[field];
    const error = rejection(() => parseEvent(topic, event));
    expect(error.code).toBe('INVALID_PAYLOAD');
    expect(error.issues.map((i) => i.path)).toContain(field);
    expect(error.message).toContain(`invalid ${topic} v1: `);
    expect(error.message).toContain(`${field}: `);
  });

  it('tolerates fields added by a newer producer and drops them', () => {
    expect(parseEvent(topic, withFutureFields(exampleOf(topic)))).toEqual(examples[topic]);
  });

  it('rejects a value that is not an object', () => {
    expect(rejection(() => parseEvent(topic, [])).issues[0].path).toBe('');
  });
});

describe('examples', () => {
  it('are frozen; exampleOf gives a changeable copy', () => {
    expect(Object.isFrozen(examples['prediction.scored'].score.factors)).toBe(true);
    const copy = exampleOf('prediction.scored');
    copy.score.overall = 0.5;
    expect(examples['prediction.scored'].score.overall).toBe(0.809);
  });
});
