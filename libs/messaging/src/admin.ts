import { ALL_TOPICS, dlqTopicOf, physicalTopic, TOPIC_CONFIG, type TopicName } from '@hitl/contracts';
import { ConfigResourceTypes, type Admin, type Kafka } from 'kafkajs';

export interface TopicLayout {
  partitions: number;
  replicationFactor: number;
  prefix?: string;
  topics?: readonly TopicName[];
}

export interface TopicReport {
  created: string[];
  existing: string[];
  /** Existing topics whose partition count differs from the layout (never changed silently). */
  mismatched: { topic: string; partitions: number; expected: number }[];
  /** Settings that differ from TOPIC_CONFIG (kafka-configs.sh --alter fixes them). */
  settings: { topic: string; name: string; value: string; expected: string }[];
}

/** Every topic and its `.dlq`, as physical names. */
export function plannedTopics(layout: TopicLayout): string[] {
  return (layout.topics ?? ALL_TOPICS).flatMap((topic) => {
    const physical = physicalTopic(topic, layout.prefix);
    return [physical, dlqTopicOf(physical)];
  });
}

/** Idempotent: creates what is missing, reports what exists, never deletes or shrinks. */
export async function ensureTopics(kafka: Kafka, layout: TopicLayout): Promise<TopicReport> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await ensureWith(admin, layout);
  } finally {
    await admin.disconnect();
  }
}

async function ensureWith(admin: Admin, layout: TopicLayout): Promise<TopicReport> {
  const wanted = plannedTopics(layout);
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((topic) => !existing.has(topic));
  if (missing.length > 0) {
    await createTopicsAndWait(
      admin,
      missing.map((topic) => ({ topic, numPartitions: layout.partitions, replicationFactor: layout.replicationFactor })),
    );
  }
  const present = wanted.filter((topic) => existing.has(topic));
  const mismatched: TopicReport['mismatched'] = [];
  if (present.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: present });
    for (const topic of metadata.topics) {
      if (topic.partitions.length !== layout.partitions) {
        mismatched.push({ topic: topic.name, partitions: topic.partitions.length, expected: layout.partitions });
      }
    }
  }
  return { created: missing, existing: present, mismatched, settings: await settingsDrift(admin, present) };
}

/** Topics whose settings differ from TOPIC_CONFIG (created before it, or changed by hand): reported, never changed. */
async function settingsDrift(admin: Admin, topics: string[]): Promise<TopicReport['settings']> {
  if (topics.length === 0) return [];
  const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: Object.keys(TOPIC_CONFIG) })) });
  return resources.flatMap((r) =>
    r.configEntries.filter((e) => TOPIC_CONFIG[e.configName] !== undefined && e.configValue !== TOPIC_CONFIG[e.configName]).map((e) => ({ topic: r.resourceName, name: e.configName, value: e.configValue, expected: TOPIC_CONFIG[e.configName] })),
  );
}

/**
 * Creates topics and waits until every partition has a leader. kafkajs' own `waitForLeaders`
 * gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers for a moment after
 * creating a topic, so we poll the metadata ourselves until the deadline.
 */
export async function createTopicsAndWait(
  admin: Admin,
  topics: { topic: string; numPartitions: number; replicationFactor: number }[],
  timeoutMs = 30_000,
): Promise<void> {
  await admin.createTopics({ waitForLeaders: false, topics: topics.map((t) => ({ ...t, configEntries: Object.entries(TOPIC_CONFIG).map(([name, value]) => ({ name, value })) })) });
  const names = topics.map((t) => t.topic);
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: names });
      if (metadata.length === names.length && metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100)); // metadata poll interval
  }
  throw new Error(`topics ${names.join(', ')} have no leaders after ${timeoutMs} ms${last instanceof Error ? `: ${last.message}` : ''}`);
}

/**
 * A topic's partition offsets. Right after a topic is created its partitions may not have a
 * leader yet ("This server is not the leader for that topic-partition", a retriable error that
 * kafkajs' admin passes on): asked again, with a short backoff, for up to ~5 s.
 */
async function topicOffsets(admin: Admin, topic: string): Promise<{ partition: number; low: string; high: string }[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (error) {
      if (attempt >= 10 || (error as { retriable?: boolean }).retriable !== true) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** attempt)));
    }
  }
}

/**
 * Records of `topics` a consumer group has not committed yet (end offset − committed offset,
 * summed over partitions; a partition the group never committed counts from its start).
 */
export async function consumerLag(kafka: Kafka, groupId: string, topics: string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed = await admin.fetchOffsets({ groupId, topics });
    let lag = 0;
    for (const topic of topics) {
      const ends = await topicOffsets(admin, topic);
      const done = new Map((committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      for (const end of ends) {
        const at = done.get(end.partition) ?? -1;
        lag += Number(end.high) - (at >= 0 ? at : Number(end.low));
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/** Where each partition of `topics` starts and ends (the next offset to be written) right now. */
export interface PartitionOffsets {
  topic: string;
  partition: number;
  low: string;
  high: string;
}

/** Fails naming the topics that do not exist (kafkajs would only say "does not host this topic-partition"). */
export async function partitionOffsets(kafka: Kafka, topics: string[]): Promise<PartitionOffsets[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) throw new Error(`no such topic: ${missing.join(', ')}`);
    const all = await Promise.all(topics.map(async (topic) => (await topicOffsets(admin, topic)).map(({ partition, low, high }) => ({ topic, partition, low, high }))));
    return all.flat();
  } finally {
    await admin.disconnect();
  }
}
