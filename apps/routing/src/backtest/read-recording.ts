import { ContractError, decodeEvent, physicalTopic, Topics, type KafkaRecord } from '@hitl/contracts';
import { readTopicsToEnd, type Kafka } from '@hitl/messaging';
import type { Recording } from './record';

/** What a recording reads: the scored predictions and everything that tells what became of them. */
export const RECORDED_TOPICS = [Topics.PredictionScored, Topics.ReviewRequested, Topics.DecisionFinalized, Topics.FeedbackCaptured, Topics.EscalationFired] as const;
type RecordedTopic = (typeof RECORDED_TOPICS)[number];

function add(recording: Recording, topic: RecordedTopic, record: KafkaRecord): void {
  switch (topic) {
    case Topics.PredictionScored:
      return void recording.scored.push(decodeEvent(topic, record).data);
    case Topics.ReviewRequested:
      return void recording.requested.push(decodeEvent(topic, record).data);
    case Topics.DecisionFinalized:
      return void recording.finalized.push(decodeEvent(topic, record).data);
    case Topics.FeedbackCaptured:
      return void recording.feedback.push(decodeEvent(topic, record).data);
    case Topics.EscalationFired:
      return void recording.escalations.push(decodeEvent(topic, record).data);
  }
}

/**
 * Reads the recorded topics from the beginning to where they end now, decoding each record with
 * its contract. A record that does not decode (nothing valid should be on these topics, but a
 * stray producer may have written one) is counted and left out rather than stopping the read.
 */
export async function readRecording(kafka: Kafka, prefix: string): Promise<{ recording: Recording; records: number; undecodable: number }> {
  const logical = new Map(RECORDED_TOPICS.map((topic) => [physicalTopic(topic, prefix), topic]));
  const recording: Recording = { scored: [], requested: [], finalized: [], feedback: [], escalations: [] };
  let undecodable = 0;
  const records = await readTopicsToEnd(kafka, [...logical.keys()], (record) => {
    try {
      add(recording, logical.get(record.topic)!, record);
    } catch (error) {
      if (!(error instanceof ContractError)) throw error;
      undecodable++;
    }
  });
  return { recording, records, undecodable };
}
