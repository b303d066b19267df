// npm run backtest:record -- --out cases.jsonl [--topic-prefix <prefix>]
// Records what the platform did, for `npm run backtest`: reads prediction.scored, review.requested,
// decision.finalized, feedback.captured and escalation.fired from the beginning to where they end
// now (KAFKA_BROKERS, default 127.0.0.1:9092; the prefix defaults to TOPIC_PREFIX) and writes one
// JSON line per scored case: its scored prediction, what happened live (auto-approved or sent to
// people, tier, audit, escalations) and its known outcome (the human decision or the audit verdict).
import { physicalTopic, Topics } from '@hitl/contracts';
import { createKafka, resolveOptions } from '@hitl/messaging';
import { brokerList, readConfig, readOrExit, topicPrefix } from '@hitl/platform';
import { z } from 'zod';
import { BacktestInputError, casesToJsonl, recordArgs, writeOutput } from './backtest/cli-input';
import { readRecording } from './backtest/read-recording';
import { casesFrom } from './backtest/record';
import { runCommand } from './backtest/run-command';

const recordEnv = z.object({ KAFKA_BROKERS: brokerList.default(['127.0.0.1:9092']), TOPIC_PREFIX: topicPrefix.default('') });

runCommand('backtest:record', async () => {
  const args = recordArgs(process.argv.slice(2));
  const env = readOrExit('backtest:record', () => readConfig(recordEnv));
  const prefix = args.topicPrefix ?? env.TOPIC_PREFIX;
  try {
    physicalTopic(Topics.PredictionScored, prefix);
  } catch (error) {
    throw new BacktestInputError(`--topic-prefix: ${(error as Error).message}`);
  }
  const kafka = createKafka(resolveOptions({ brokers: env.KAFKA_BROKERS, clientId: 'hitl/backtest-record', connectionTimeoutMs: 10_000 }));
  const { recording, records, undecodable } = await readRecording(kafka, prefix);
  const cases = casesFrom(recording);
  writeOutput(args.out, casesToJsonl(cases));
  const count = (route: string) => cases.filter((c) => c.live.route === route).length;
  process.stderr.write(
    `backtest:record: ${cases.length} cases (${count('auto')} auto-approved, ${count('human')} to people, ${count('undecided')} undecided; ` +
      `${cases.filter((c) => c.outcome).length} with a known outcome) from ${records} records${undecodable > 0 ? ` (${undecodable} did not decode and were left out)` : ''} -> ${args.out}\n`,
  );
});
