import {
  DlqHeaders,
  dlqTopicOf,
  exampleOf,
  parseEvent,
  physicalTopic,
  Topics,
  type PredictionScoredV1,
  type PredictionSubmittedV1,
  type TopicName,
} from '@hitl/contracts';
import { EventPublisher, resolveOptions, silentLogger, type Kafka } from '@hitl/messaging';
import { PlatformModule, readConfig, serviceEnvSchema } from '@hitl/platform';
import { defaultPolicyPath } from '@hitl/policy';
import {
  createTopics,
  freshDatabaseUri,
  installTestTracing,
  prediction,
  produceRaw,
  RunningService,
  testBrokers,
  testKafka,
  testTopicPrefix,
  TopicCollector,
  waitFor,
  type CollectedMessage,
} from '@hitl/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { AppModule } from './app.module';
import { CalibrationStore } from './scoring/calibration/calibration.store';
import { CategoryStatsStore } from './scoring/category-stats/category-stats.store';
import { readStartup } from './startup';

/*
 * The scoring app booted in-process (the same modules runService wires) against the real broker
 * and FerretDB, on fresh topics and a fresh database; the test talks to it through Kafka only,
 * except to wait until a handler's effect is in place before publishing the next case.
 */

// What tracing.ts gives the real service: the W3C propagator, so trace context crosses Kafka.
installTestTracing();

const signals = (m: number, c: number, q: number, e: number) => ({ modelConfidence: m, trainingDataCoverage: c, inputQuality: q, edgeCaseIndicators: e });
/** Factors that give exactly 0.96 and 0.78 with the guide weights. */
const GIVES_096 = signals(1, 0.9, 1, 0.05);
const GIVES_078 = signals(0.8, 0.6, 1, 0.2);

describe('scoring service (real broker and database)', () => {
  let prefix: string;
  let databaseUri: string;
  let kafka: Kafka;
  let publisher: EventPublisher;
  let collector: TopicCollector;
  let app: INestApplicationContext | undefined;
  const topic = (name: TopicName) => physicalTopic(name, prefix);

  async function boot(extraEnv: Record<string, string> = {}): Promise<INestApplicationContext> {
    const env = {
      KAFKA_BROKERS: testBrokers().join(','),
      MONGODB_URI: databaseUri,
      TOPIC_PREFIX: prefix,
      CONSUMER_RETRY_BACKOFF_MS: '10',
      SCORING_SYNC_INTERVAL_MS: '200',
      // The suite's Kafka client (npm test runs this file on both).
      ...(process.env.KAFKA_CLIENT ? { KAFKA_CLIENT: process.env.KAFKA_CLIENT } : {}),
      ...extraEnv,
    };
    const config = readConfig(serviceEnvSchema({ name: 'scoring', httpPort: 0 }), env);
    const { policy, settings } = readStartup(env);
    const context = await NestFactory.createApplicationContext(
      { module: class ScoringUnderTest {}, imports: [PlatformModule.forRoot(config, silentLogger), AppModule.forRoot(config, policy, settings)] },
      { logger: false },
    );
    await context.init();
    return context;
  }

  beforeAll(async () => {
    prefix = testTopicPrefix();
    databaseUri = freshDatabaseUri('scoring');
    kafka = testKafka();
    const inputs = [Topics.PredictionSubmitted, Topics.FeedbackCaptured, Topics.ThresholdsCalibrated, Topics.TrustUpdated].map(topic);
    await createTopics(kafka, [...inputs, ...inputs.map(dlqTopicOf), topic(Topics.PredictionScored)], 2);
    publisher = new EventPublisher(kafka, resolveOptions({ brokers: testBrokers(), clientId: 'hitl/test-producer', topicPrefix: prefix }));
    await publisher.connect();
    collector = await TopicCollector.start(kafka, [topic(Topics.PredictionScored), dlqTopicOf(topic(Topics.PredictionSubmitted))]);
    app = await boot();
  });

  afterAll(async () => {
    await app?.close();
    await collector?.stop();
    await publisher?.disconnect();
  });

  const scoredMessages = () => collector.on(topic(Topics.PredictionScored));

  async function scored(predictionId: string): Promise<PredictionScoredV1 & { message: CollectedMessage }> {
    const message = await waitFor(() => scoredMessages().find((m) => m.key === predictionId), { description: `prediction.scored for ${predictionId}` });
    return { ...parseEvent(Topics.PredictionScored, message.json()), message };
  }

  const submit = (...predictions: PredictionSubmittedV1[]) =>
    publisher.publishAll(predictions.map((data) => ({ topic: Topics.PredictionSubmitted, data })));

  it('scores every prediction exactly once, in the band the guide gives, keyed by predictionId', async () => {
    const bulk = Array.from({ length: 40 }, (_, i) => prediction(`bulk-${i}`, { input: { claimId: `C-${i}`, policyAgeYears: i % 10, priorClaims: i % 2 } }));
    await submit(
      prediction('auto-096', { category: 'refund', signals: GIVES_096 }),
      prediction('review-078', { category: 'refund', signals: GIVES_078 }),
      prediction('audit-edge', { category: 'refund', signals: signals(0.95, 0.95, 0.95, 0.05) }),
      prediction('unproven', { category: 'refund', probability: 0.99, input: { orderId: 'O-1', reason: 'Wrong size' } }),
      ...bulk,
    );

    expect((await scored('auto-096')).score).toMatchObject({ overall: 0.96, band: 'auto_approve' });
    expect((await scored('review-078')).score).toMatchObject({ overall: 0.78, band: 'human_review' });
    expect((await scored('audit-edge')).score).toMatchObject({ overall: 0.95, band: 'auto_approve_audit' });
    const unproven = await scored('unproven');
    expect(unproven.score).toMatchObject({ overall: 0.697, band: 'senior_review' }); // no labelled data: coverage 0
    expect(unproven.explanation).toBe('0.697 senior review: model 0.99, coverage 0.00 (no similar labelled cases), input complete, no outliers');
    expect(unproven.policyVersion).toBe('guide-5');

    await collector.waitForCount(topic(Topics.PredictionScored), 44);
    const keys = scoredMessages().map((m) => m.key);
    expect(new Set(keys).size).toBe(keys.length);
    const { message } = await scored('auto-096');
    expect(message.headers).toMatchObject({ ce_type: 'dev.hitl.prediction.scored.v1', ce_source: 'hitl/scoring', ce_subject: 'auto-096' });
    expect(message.headers.ce_id).toMatch(/:scored$/);
  });

  it('accepts plain JSON and continues the producer trace (one case, one trace)', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const data = prediction('plain-1', { category: 'refund', signals: GIVES_078 });
    await produceRaw(kafka, topic(Topics.PredictionSubmitted), [
      { key: 'plain-1', value: JSON.stringify(data), headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } },
    ]);
    const out = await scored('plain-1');
    expect(out.score.band).toBe('human_review');
    expect(out.message.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(out.message.headers.ce_id).toMatch(/^plain:[0-9a-f]{64}:scored$/);
  });

  it('dead-letters invalid input with the reason and keeps scoring the partition', async () => {
    const dlq = dlqTopicOf(topic(Topics.PredictionSubmitted));
    await produceRaw(kafka, topic(Topics.PredictionSubmitted), [
      { key: 'bad-json', value: '{"predictionId":' },
      { key: 'bad-probability', value: JSON.stringify(prediction('bad-probability', { probability: 1.5 })) },
    ]);
    await submit(prediction('after-bad', { signals: GIVES_096 }));
    const dead = await collector.waitForCount(dlq, 2);
    expect(Object.fromEntries(dead.map((m) => [m.key, m.headers[DlqHeaders.errorCode]]))).toEqual({ 'bad-json': 'MALFORMED_JSON', 'bad-probability': 'INVALID_PAYLOAD' });
    expect(dead.find((m) => m.key === 'bad-probability')!.headers[DlqHeaders.error]).toMatch(/probability/);
    expect((await scored('after-bad')).score.band).toBe('auto_approve');
    expect(scoredMessages().some((m) => m.key === 'bad-probability' || m.key === 'bad-json')).toBe(false);
  });

  it('applies thresholds.calibrated to the next prediction of that category, with its policy version', async () => {
    const calibration = app!.get(CalibrationStore);
    const recommend = { ...exampleOf(Topics.ThresholdsCalibrated), category: 'refund', mode: 'recommend' as const };
    await publisher.publish(Topics.ThresholdsCalibrated, recommend);
    const apply = { ...recommend, mode: 'apply' as const, bands: { autoApprove: 0.99, autoApproveAudit: 0.97, humanReview: 0.9 } };
    await publisher.publish(Topics.ThresholdsCalibrated, apply, { id: 'cal-1' });
    await publisher.publish(Topics.ThresholdsCalibrated, apply, { id: 'cal-1' }); // redelivered: applied once
    await waitFor(() => calibration.forCategory('refund'), { description: 'the refund calibration to be applied' });

    await submit(prediction('cal-refund', { category: 'refund', signals: GIVES_096 }), prediction('cal-other', { category: 'property_damage', signals: GIVES_096 }));
    const refund = await scored('cal-refund');
    expect(refund.score).toMatchObject({ overall: 0.96, band: 'human_review' }); // 0.90 ≤ 0.96 < 0.97
    expect(refund.policyVersion).toBe('guide-5+cal.refund.1');
    const other = await scored('cal-other');
    expect(other.score.band).toBe('auto_approve');
    expect(other.policyVersion).toBe('guide-5');

    await publisher.publish(Topics.ThresholdsCalibrated, { ...apply, bands: { autoApprove: 0.95, autoApproveAudit: 0.9, humanReview: 0.8 } }, { id: 'cal-2' });
    await waitFor(() => calibration.forCategory('refund')?.n === 2, { description: 'the second refund calibration' });
    await submit(prediction('cal-refund-2', { category: 'refund', signals: GIVES_096 }));
    const again = await scored('cal-refund-2');
    expect(again.score.band).toBe('auto_approve');
    expect(again.policyVersion).toBe('guide-5+cal.refund.2');
  });

  it('counts human-labelled similar cases (feedback.captured) into training-data coverage', async () => {
    const stats = app!.get(CategoryStatsStore);
    const input = { applicationId: 'LN-77', debtToIncome: 0.28, creditScore: 700, employmentYears: 4 };
    await submit(prediction('cov-1', { category: 'loan_decision', recommendation: 'approve', input }));
    expect((await scored('cov-1')).score.factors.trainingDataCoverage).toEqual({ value: 0, source: 'computed' });

    const feedback = { ...exampleOf(Topics.FeedbackCaptured), feedbackId: 'fb-cov-1', caseId: 'cov-1', predictionId: 'cov-1', category: 'loan_decision', aiRecommendation: 'approve', humanDecision: 'approve' };
    await publisher.publishAll([feedback, feedback].map((data) => ({ topic: Topics.FeedbackCaptured, data }))); // a duplicate counts once
    await waitFor(() => stats.of('loan_decision').labelled.size === 1, { description: 'the labelled case to be recorded' });

    await submit(
      prediction('cov-2', { category: 'loan_decision', recommendation: 'approve', input: { ...input, applicationId: 'LN-78', creditScore: 690, employmentYears: 5 } }), // same magnitudes
      prediction('cov-3', { category: 'loan_decision', recommendation: 'decline', input }),
    );
    const similar = await scored('cov-2');
    expect(similar.score.factors.trainingDataCoverage.value).toBeCloseTo(1 / 51, 6); // the one similar labelled case agreed: 1 / (1 + scale 50)
    expect(similar.explanation).toContain('(1 of 1 similar labelled case agreed with the AI)');
    expect((await scored('cov-3')).score.factors.trainingDataCoverage.value).toBe(0); // another recommendation
  });

  it('keeps statistics and calibrations across a restart: flushed on shutdown, loaded on start', async () => {
    const ordinary = (i: number) => prediction(`stat-${i}`, { category: 'medical_triage', input: { encounterId: `E-${i}`, heartRate: 70 + (i % 5), spo2: 97 + (i % 3), symptoms: ['fever'] } });
    await submit(...Array.from({ length: 30 }, (_, i) => ordinary(i)));
    await waitFor(() => scoredMessages().filter((m) => m.key?.startsWith('stat-')).length === 30, { description: '30 triage cases scored' });

    await app!.close();
    app = await boot();

    await submit(
      prediction('stat-outlier', { category: 'medical_triage', input: { encounterId: 'E-x', heartRate: 190, spo2: 98, symptoms: ['fever'] } }),
      prediction('stat-unseen', { category: 'medical_triage', input: { encounterId: 'E-y', heartRate: 72, spo2: 98, symptoms: ['rash'] } }),
      prediction('cal-after-restart', { category: 'refund', signals: GIVES_096 }),
    );
    const outlier = await scored('stat-outlier');
    expect(outlier.score.factors.edgeCaseIndicators).toEqual({ value: 1, source: 'computed' });
    expect(outlier.explanation).toMatch(/heartRate 190 is an outlier/);
    const unseen = await scored('stat-unseen');
    expect(unseen.score.factors.edgeCaseIndicators.value).toBe(0.5);
    expect(unseen.explanation).toContain('symptoms "rash" never seen');
    expect((await scored('cal-after-restart')).policyVersion).toBe('guide-5+cal.refund.2');
  });

  it('a new policy file keeps calibrations, except where it sets the category bands itself', async () => {
    const calibrate = { ...exampleOf(Topics.ThresholdsCalibrated), category: 'content_moderation', mode: 'apply' as const, bands: { autoApprove: 0.99, autoApproveAudit: 0.97, humanReview: 0.9 } };
    await publisher.publish(Topics.ThresholdsCalibrated, calibrate);
    await waitFor(() => app!.get(CalibrationStore).forCategory('content_moderation'), { description: 'the content_moderation calibration' });

    const policy = parse(readFileSync(defaultPolicyPath(), 'utf8')) as Record<string, unknown> & { categories: Record<string, Record<string, unknown>> };
    policy.version = 'ops-2';
    policy.categories.refund.bands = { autoApprove: 0.97, autoApproveAudit: 0.9, humanReview: 0.75 };
    const file = join(mkdtempSync(join(tmpdir(), 'scoring-policy-')), 'policy.yaml');
    writeFileSync(file, stringify(policy));
    await app!.close();
    app = await boot({ POLICY_FILE: file });

    await submit(prediction('v2-moderation', { category: 'content_moderation', signals: GIVES_096 }), prediction('v2-refund', { category: 'refund', signals: GIVES_096 }));
    const moderation = await scored('v2-moderation');
    expect(moderation.score.band).toBe('human_review'); // still calibrated
    expect(moderation.policyVersion).toBe('ops-2+cal.content_moderation.1');
    const refund = await scored('v2-refund');
    expect(refund.score.band).toBe('auto_approve_audit'); // the file's new refund bands, not the calibration
    expect(refund.policyVersion).toBe('ops-2');
  });
});

describe('the compiled scoring service with a bad policy', () => {
  it('exits 78 and names the file and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scoring-policy-'));
    const file = join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify({ version: 'x', defaults: {}, tiers: [] }));
    const service = RunningService.start('scoring', { POLICY_FILE: file });
    await service.process.waitForExit(30_000);
    expect(service.process.exitCode).toBe(78);
    expect(service.process.output).toContain(`scoring: policy ${file}: defaults.weights: Invalid input: expected object, received undefined`);
  });
});
