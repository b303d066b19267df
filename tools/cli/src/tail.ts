// npm run tail -- <topic> [<topic> ...] [--from-beginning] [--dlq]
// Prints every record of the given topics (logical names, e.g. decision.finalized) as one
// readable line; --dlq adds each topic's dead-letter topic.
import { ALL_TOPICS, dlqTopicOf, isTopicName, physicalTopic } from '@hitl/contracts';
import { tailTopics } from '@hitl/messaging';
import { parseArgs } from 'node:util';
import { cliSetup, fail, runMain } from './cli-support';
import { formatRecord } from './format';

runMain('tail', async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'from-beginning': { type: 'boolean', default: false }, dlq: { type: 'boolean', default: false } },
  });
  const names = positionals.length > 0 ? positionals : [...ALL_TOPICS];
  const unknown = names.filter((n) => !isTopicName(n));
  if (unknown.length > 0) fail('tail', `unknown topic(s) ${unknown.join(', ')}; known: ${ALL_TOPICS.join(', ')}`);
  const { env, kafka } = cliSetup('tail');
  const topics = names.flatMap((name) => {
    const physical = physicalTopic(name as (typeof ALL_TOPICS)[number], env.TOPIC_PREFIX);
    return values.dlq ? [physical, dlqTopicOf(physical)] : [physical];
  });
  const stop = await tailTopics(kafka, topics, values['from-beginning'] ?? false, (record) =>
    process.stdout.write(`${formatRecord(record, env.TOPIC_PREFIX)}\n`),
  );
  process.stderr.write(`tailing ${topics.join(', ')} (Ctrl-C to stop)\n`);
  const quit = () => void stop().then(() => process.exit(0));
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
});
