import { ALL_TOPICS, dlqTopicOf, Services, TOPIC_CONFIG, Topics, topology, type Service } from '@hitl/contracts';
import { parsePolicy } from '@hitl/policy';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/*
 * deploy/k8s, checked offline. Every kustomization root is rendered with kustomize (the one
 * built into kubectl, installed by scripts/setup.sh into .local/k8s-venv) and every object is
 * validated strictly: built-in kinds against the Kubernetes 1.37 schemas (unknown fields
 * refused), KEDA's ScaledObject and Strimzi's KafkaTopic against their CRDs (tools/k8s/crds),
 * CEL rules included. Then what no schema knows: the manifests against the code (ports,
 * probes, drain timeout, the consumer groups and topics each app subscribes, the partitions).
 */
const root = resolve(__dirname, '../../..');
const venv = join(root, '.local', 'k8s-venv', 'bin');
const kubectl = join(venv, 'kubectl');
const python = join(venv, 'python');
const validator = join(root, 'tools', 'k8s', 'validate_k8s.py');
const crds = join(root, 'tools', 'k8s', 'crds');
const K8S_VERSION = '1.37.0';

const SERVICES: Record<Service, number> = { review: 3000, scoring: 3001, routing: 3002, escalation: 3003, feedback: 3004 };
const CONSUMERS = Services.filter((s) => s !== 'review');
const OVERLAYS = ['dev', 'prod'] as const;
const ROOTS = [...OVERLAYS.map((o) => `deploy/k8s/overlays/${o}`), 'deploy/k8s/topics/strimzi'];

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered Kubernetes objects are read as plain data */
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any; data?: any };

beforeAll(() => {
  if (!existsSync(kubectl) || !existsSync(python)) {
    throw new Error(`${kubectl} or ${python} is missing: run bash scripts/setup.sh (it installs the manifest tools)`);
  }
});

function render(dir: string): string {
  const r = spawnSync(kubectl, ['kustomize', join(root, dir)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${r.stderr}`);
  return r.stdout;
}

function objects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

function validate(text: string): { status: number | null; out: string } {
  const r = spawnSync(python, [validator, '--k8s-version', K8S_VERSION, '--crd', crds, '-'], { input: text, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

const rendered = new Map<string, K8sObject[]>();
function objectsOf(dir: string): K8sObject[] {
  if (!rendered.has(dir)) rendered.set(dir, objects(render(dir)));
  return rendered.get(dir)!;
}
const one = (list: K8sObject[], kind: string, name: string): K8sObject => {
  const found = list.filter((o) => o.kind === kind && o.metadata.name === name);
  expect({ kind, name, count: found.length }).toEqual({ kind, name, count: 1 });
  return found[0];
};

describe.each(ROOTS)('%s', (dir) => {
  it('renders, and every object passes the strict schemas', () => {
    const text = render(dir);
    const count = objects(text).length;
    const { status, out } = validate(text);
    expect(out).not.toContain('ERROR');
    expect(out).toContain(`${count} passed, 0 failed`);
    expect(status).toBe(0);
  });
});

describe('the validator', () => {
  const deployment = (container: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: x }
spec:
  selector: { matchLabels: { a: b } }
  template:
    metadata: { labels: { a: b } }
    spec:
      containers:
        - ${container}
`;
  const scaledObject = (fields: string) => `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: { name: x }
spec:
  scaleTargetRef: { name: x }
${fields}`;
  const kafkaTrigger = (threshold: string) => `  triggers:
    - type: kafka
      metadata: { bootstrapServers: "k:9092", consumerGroup: g, topic: t, lagThreshold: ${threshold} }
`;

  it('accepts a correct object of each kind it is given', () => {
    const { status, out } = validate(
      [deployment('{ name: c, image: i }'), scaledObject(kafkaTrigger('"5"')), 'apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata: { name: t }\nspec: { partitions: 3 }\n'].join('---\n'),
    );
    expect(out).toContain('3 passed, 0 failed');
    expect(status).toBe(0);
  });

  it.each([
    ['an unknown field', deployment('{ name: c, image: i, imagePullPolcy: Always }'), 'imagePullPolcy'],
    ['a wrong type', deployment('{ name: c, image: i, ports: [{ containerPort: "http" }] }'), 'containerPort'],
    ['a removed API version', 'apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\nmetadata: { name: x }\nspec: {}\n', 'no schema'],
    ['a trigger setting that is not a string (the API server refuses it)', scaledObject(kafkaTrigger('5')), 'lagThreshold'],
    ['a ScaledObject whose minimum exceeds its maximum (the CRD\'s CEL rule)', scaledObject(`  minReplicaCount: 5\n  maxReplicaCount: 2\n${kafkaTrigger('"5"')}`), 'minReplicaCount'],
    ['a Strimzi version the CRD does not serve', 'apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nmetadata: { name: t }\nspec: { partitions: 3 }\n', 'no schema'],
    ['an unknown field in a custom resource', 'apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata: { name: t }\nspec: { partitionz: 3 }\n', 'partitionz'],
    ['a typo in metadata', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x, lables: { a: b } }\n', 'lables'],
  ])('refuses %s', (_what, text, named) => {
    const { status, out } = validate(text);
    expect(out).toMatch(/ERROR .*/);
    expect(out.split('\n').find((l) => l.startsWith('ERROR'))).toContain(named);
    expect(out).toContain('0 passed, 1 failed');
    expect(status).toBe(1);
  });

  it('fails when nothing was rendered', () => {
    expect(validate('').status).toBe(1);
  });
});

/** What each app subscribes to, read from its code: (consumer group, topic) pairs. */
function subscriptions(app: Service): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ts$/.test(f) && !/(spec|test-helper|bench-\w+)\.ts$/.test(f)) files.push(p);
    }
  };
  walk(join(root, 'apps', app, 'src'));
  const topic = (key: string): string => {
    const t = (Topics as Record<string, string>)[key];
    if (!t) throw new Error(`unknown Topics.${key} in ${app}`);
    return t;
  };
  const out = new Set<string>();
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    // @EventHandler(Topics.X[, { group: 'g' }]): group hitl.<app>[.g]
    for (const m of src.matchAll(/@EventHandler\(Topics\.(\w+)(?:,\s*\{[^}]*?group:\s*'([\w-]+)'[^}]*\})?/g)) {
      out.add(`hitl.${app}${m[2] ? `.${m[2]}` : ''} ${topic(m[1])}`);
    }
    // A transactional hop on one topic, in the app's own group.
    for (const m of src.matchAll(/new TransactionalTransformer\([\s\S]*?groupId: options\.groupId,\s*topic: Topics\.(\w+)/g)) out.add(`hitl.${app} ${topic(m[1])}`);
    // Routing: one transactional group per input topic, hitl.routing.<topic>.
    const inputs = /const INPUTS = \[([^\]]+)\]/.exec(src);
    if (inputs && /groupId: `\$\{this\.options\.groupId\}\.\$\{topic\}`/.test(src)) {
      for (const m of inputs[1].matchAll(/Topics\.(\w+)/g)) out.add(`hitl.${app}.${topic(m[1])} ${topic(m[1])}`);
    }
  }
  return [...out].sort();
}

describe('the contract map and the code agree', () => {
  it.each(Services)('%s consumes what the AsyncAPI topology says', (app) => {
    const consumed = [...new Set(subscriptions(app).map((s) => s.split(' ')[1]))].sort();
    const documented = ALL_TOPICS.filter((t) => topology[t].consumedBy.includes(app)).sort();
    expect(consumed.length).toBeGreaterThan(0);
    expect(consumed).toEqual(documented);
  });
});

describe.each(OVERLAYS)('overlays/%s', (overlay) => {
  const list = () => objectsOf(`deploy/k8s/overlays/${overlay}`);
  const config = () => one(list(), 'ConfigMap', list().find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('hitl-config'))!.metadata.name).data as Record<string, string>;
  const deploymentOf = (app: Service) => one(list(), 'Deployment', `hitl-${app}`);
  const podOf = (app: Service) => deploymentOf(app).spec.template.spec;
  const containerOf = (app: Service) => podOf(app).containers[0];
  const envOf = (app: Service, name: string) => (containerOf(app).env as { name: string; value?: string }[]).find((e) => e.name === name);

  it('puts every object in one namespace, which runs pods under the restricted security standard', () => {
    const namespace = one(list(), 'Namespace', list().find((o) => o.kind === 'Namespace')!.metadata.name);
    expect(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const o of list().filter((x) => x.kind !== 'Namespace')) expect({ o: `${o.kind}/${o.metadata.name}`, ns: o.metadata.namespace }).toEqual({ o: `${o.kind}/${o.metadata.name}`, ns: namespace.metadata.name });
  });

  describe.each(Services)('%s', (app) => {
    it('has a Deployment, a Service on its port and a PodDisruptionBudget, selecting the same pods', () => {
      const port = SERVICES[app];
      const selector = deploymentOf(app).spec.selector.matchLabels;
      expect(deploymentOf(app).spec.template.metadata.labels).toMatchObject(selector);
      expect(containerOf(app).ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
      expect(envOf(app, 'HTTP_PORT')?.value).toBe(String(port));
      const service = one(list(), 'Service', `hitl-${app}`);
      expect(service.spec.selector).toEqual(selector);
      expect(service.spec.ports).toEqual([{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }]);
      const pdb = one(list(), 'PodDisruptionBudget', `hitl-${app}`);
      expect(pdb.spec.selector.matchLabels).toEqual(selector);
      // A budget that can never be met would block every node drain.
      expect(pdb.spec.maxUnavailable).toBeGreaterThanOrEqual(1);
    });

    it('runs the image built for it, pinned, non-root, read-only, without privileges', () => {
      const image = containerOf(app).image as string;
      expect(image).toMatch(new RegExp(`(^|/)hitl/${app}:[\\w.-]+$`));
      expect(image).not.toMatch(/:latest$/);
      const pod = podOf(app);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(containerOf(app).securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, capabilities: { drop: ['ALL'] } });
      // The Dockerfile's user is the same one.
      expect(readFileSync(join(root, 'apps', app, 'Dockerfile'), 'utf8')).toMatch(/^USER 1000:1000$/m);
    });

    it('asks for and is limited in CPU and memory, with the V8 heap inside the memory limit', () => {
      const { requests, limits } = containerOf(app).resources;
      for (const r of [requests, limits]) expect(Object.keys(r).sort()).toEqual(['cpu', 'memory']);
      const heapMb = Number(/--max-old-space-size=(\d+)/.exec(envOf(app, 'NODE_OPTIONS')?.value ?? '')?.[1]);
      expect(heapMb).toBeGreaterThan(0);
      expect(heapMb).toBeLessThanOrEqual(0.8 * mebibytes(limits.memory));
    });

    it('is probed on the terminus endpoints: live for liveness and start-up, ready for readiness', () => {
      const c = containerOf(app);
      expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(c.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    });

    it('is given time to drain its consumers before Kubernetes kills it', () => {
      const drainS = Number(config().SHUTDOWN_TIMEOUT_MS) / 1000;
      const preStopS = containerOf(app).lifecycle?.preStop?.sleep?.seconds ?? 0;
      // bootstrap.ts exits by itself 5 s after the drain budget; the grace period covers both.
      expect(podOf(app).terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStopS + drainS + 5);
    });

    it('reads the policy from the ConfigMap and its database URI from a Secret', () => {
      const mount = containerOf(app).volumeMounts.find((m: { name: string }) => m.name === 'policy');
      const volume = podOf(app).volumes.find((v: { name: string }) => v.name === 'policy');
      expect(config().POLICY_FILE).toBe(`${mount.mountPath}/policy.yaml`);
      expect(volume.configMap.name).toMatch(/^hitl-policy/);
      expect(envOf(app, 'MONGODB_URI')).toEqual({ name: 'MONGODB_URI', valueFrom: { secretKeyRef: { name: expect.stringMatching(/^hitl-mongodb/), key: `${app}-uri` } } });
      // Nothing secret in plain env or ConfigMaps.
      for (const e of containerOf(app).env as { name: string; value?: string }[]) expect({ name: e.name, plain: /SECRET|PASSWORD|TOKEN|URI$/.test(e.name) && e.value !== undefined }).toEqual({ name: e.name, plain: false });
      for (const key of Object.keys(config())) expect(key).not.toMatch(/SECRET|PASSWORD|TOKEN|MONGODB/);
    });
  });

  it('ships the repository\'s default policy, valid as the services will read it', () => {
    const policy = list().find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('hitl-policy'))!;
    const text = policy.data['policy.yaml'] as string;
    expect(() => parsePolicy(text, 'yaml', 'deploy/k8s/base/policy.yaml')).not.toThrow();
    expect(text).toBe(readFileSync(join(root, 'config', 'policy.default.yaml'), 'utf8'));
  });

  it.each(CONSUMERS)('scales %s on the lag of exactly the consumer groups and topics its code subscribes, never beyond the partitions', (app) => {
    const scaled = list().filter((o) => o.kind === 'ScaledObject' && o.spec.scaleTargetRef.name === `hitl-${app}`);
    expect(scaled).toHaveLength(1);
    const so = scaled[0].spec;
    const triggers = (so.triggers as { type: string; metadata: Record<string, string> }[]).map((t) => {
      expect(t.type).toBe('kafka');
      expect(t.metadata.bootstrapServersFromEnv).toBe('KAFKA_BROKERS');
      expect(t.metadata.allowIdleConsumers).toBe('false');
      // Our consumers start from the beginning of a topic their group has not read yet.
      expect(t.metadata.offsetResetPolicy).toBe('earliest');
      return `${t.metadata.consumerGroup} ${t.metadata.topic}`;
    });
    expect(triggers.sort()).toEqual(subscriptions(app));
    expect(so.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(so.maxReplicaCount).toBeLessThanOrEqual(Number(config().KAFKA_TOPIC_PARTITIONS));
    // The autoscaler owns the replica count.
    expect(deploymentOf(app).spec.replicas).toBeUndefined();
  });

  it('scales the review API on CPU with an HPA, and no Kafka-lag scaler fights over it', () => {
    const hpa = one(list(), 'HorizontalPodAutoscaler', 'hitl-review').spec;
    expect(hpa.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'hitl-review' });
    expect(hpa.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: expect.any(Number) } } }]);
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(1);
    expect(list().some((o) => o.kind === 'ScaledObject' && o.spec.scaleTargetRef.name === 'hitl-review')).toBe(false);
    expect(deploymentOf('review').spec.replicas).toBeUndefined();
  });

  it('refuses every flow but the ones the architecture has', () => {
    const policies = list().filter((o) => o.kind === 'NetworkPolicy');
    const deny = policies.find((p) => !p.spec.ingress && !p.spec.egress)!;
    expect(deny.spec).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'hitl' } }, policyTypes: ['Ingress', 'Egress'] });
    // Every pod is selected by it.
    for (const d of list().filter((o) => o.kind === 'Deployment' || o.kind === 'Job')) expect(d.spec.template.metadata.labels['app.kubernetes.io/part-of']).toBe('hitl');
    // Pod-to-pod HTTP: only the review workbench to feedback's read API, on feedback's port.
    const podToPod = policies.flatMap((p) =>
      (p.spec.egress ?? []).filter((r: any) => r.to?.some((t: any) => t.podSelector && !t.namespaceSelector)).map((r: any) => ({ from: p.spec.podSelector.matchLabels['app.kubernetes.io/name'], to: r.to[0].podSelector.matchLabels['app.kubernetes.io/name'], ports: r.ports.map((x: any) => x.port) })),
    );
    expect(podToPod).toEqual([{ from: 'hitl-review', to: 'hitl-feedback', ports: [SERVICES.feedback] }]);
    const feedbackIn = policies.find((p) => p.spec.podSelector.matchLabels['app.kubernetes.io/name'] === 'hitl-feedback')!;
    expect(feedbackIn.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'hitl-review' } } }], ports: [{ protocol: 'TCP', port: 'http' }] }]);
    // Only escalation leaves the cluster (webhooks, HTTPS).
    const external = policies.filter((p) => (p.spec.egress ?? []).some((r: any) => r.to?.some((t: any) => t.ipBlock)));
    expect(external.map((p) => p.spec.podSelector.matchLabels)).toEqual([{ 'app.kubernetes.io/name': 'hitl-escalation' }]);
    // The workbench is told where feedback is, on that port.
    expect(envOf('review', 'REVIEW_FEEDBACK_URL')?.value).toBe(`http://hitl-feedback:${SERVICES.feedback}`);
  });

  it('refers to every Secret by name; generated ones only in development', () => {
    const secrets = list().filter((o) => o.kind === 'Secret');
    if (overlay === 'prod') expect(secrets).toEqual([]);
    else expect(secrets.map((s) => s.metadata.name.replace(/-[a-z0-9]{10}$/, '')).sort()).toEqual(['hitl-mongodb', 'hitl-review']);
  });
});

describe('the review ingress (prod)', () => {
  const routed = (path: string) => {
    const ingress = one(objectsOf('deploy/k8s/overlays/prod'), 'Ingress', 'hitl-review');
    const paths = ingress.spec.rules.flatMap((r: any) => r.http.paths) as { path: string; pathType: string; backend: any }[];
    for (const p of paths) expect(p.backend).toEqual({ service: { name: 'hitl-review', port: { name: 'http' } } });
    // Kubernetes' matching: Exact is the whole path, Prefix is whole path elements.
    return paths.some((p) => (p.pathType === 'Exact' ? path === p.path : path === p.path || path.startsWith(`${p.path.replace(/\/$/, '')}/`)));
  };

  it('routes every page and API a reviewer uses', () => {
    for (const path of ['/', '/api/queue', '/api/cases/c-1/approve', '/api/stream', '/assets/app.js', '/login', '/logout', '/cases/c-1', '/dashboard', '/me', '/traces/c-1', '/docs', '/docs/swagger-ui.css', '/openapi.json']) expect({ path, routed: routed(path) }).toEqual({ path, routed: true });
  });

  it('keeps the probes and the metrics inside the cluster', () => {
    for (const path of ['/metrics', '/health/live', '/health/ready', '/apiary', '/metrics/x']) expect({ path, routed: routed(path) }).toEqual({ path, routed: false });
  });
});

describe('topics', () => {
  it('the Job runs a command the routing image holds, with the settings it reads', () => {
    const job = one(objectsOf('deploy/k8s/overlays/dev'), 'Job', 'hitl-topics').spec.template.spec.containers[0];
    expect(job.image).toMatch(/(^|\/)hitl\/routing:/);
    expect(job.command).toEqual(['node', 'dist/tools/cli/src/topics.js']);
    expect(readFileSync(join(root, 'apps', 'routing', 'Dockerfile'), 'utf8')).toContain('COPY --from=build /src/dist/tools/cli/src/topics.js dist/tools/cli/src/topics.js');
    expect(existsSync(join(root, 'tools', 'cli', 'src', 'topics.ts'))).toBe(true);
    expect(job.envFrom).toEqual([{ configMapRef: { name: expect.stringMatching(/^hitl-config/) } }]);
  });

  it('Strimzi declares every topic and its .dlq, with as many partitions as production scales to', () => {
    const topics = objectsOf('deploy/k8s/topics/strimzi');
    expect(topics.map((t) => t.metadata.name).sort()).toEqual(ALL_TOPICS.flatMap((t) => [t, dlqTopicOf(t)]).sort());
    const prod = objectsOf('deploy/k8s/overlays/prod');
    const partitions = Number((prod.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('hitl-config'))!.data as Record<string, string>).KAFKA_TOPIC_PARTITIONS);
    for (const t of topics) {
      expect(t.metadata.labels?.['strimzi.io/cluster']).toBe('hitl');
      expect(t.spec.partitions).toBe(partitions);
      expect(t.spec.replicas).toBeGreaterThan(t.spec.config['min.insync.replicas']);
      // The settings npm run topics gives every topic.
      for (const [name, value] of Object.entries(TOPIC_CONFIG)) expect({ topic: t.metadata.name, [name]: String(t.spec.config[name]) }).toEqual({ topic: t.metadata.name, [name]: value });
    }
    const maxReplicas = prod.filter((o) => o.kind === 'ScaledObject').map((o) => o.spec.maxReplicaCount as number);
    expect(Math.max(...maxReplicas)).toBeLessThanOrEqual(partitions);
  });
});

function mebibytes(quantity: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!m) throw new Error(`unexpected memory quantity ${quantity}`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
}
