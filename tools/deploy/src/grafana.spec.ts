import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parse } from 'yaml';

// The Grafana dashboard asks only for series the services really export: every metric name in
// its queries is defined in our code (a prom-client metric or the feedback service's health
// text) or is one of prom-client's process metrics.
const root = resolve(__dirname, '../../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' ? [] : sources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

const defined = new Set(
  [...sources(join(root, 'apps')), ...sources(join(root, 'libs'))].flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\b(hitl_[a-z_]+)\b/g)].map((m) => m[1])),
);
const processMetrics = (() => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return new Set(registry.getMetricsAsArray().map((m) => m.name));
})();

interface Panel {
  title: string;
  targets: { expr: string }[];
}
const dashboard = JSON.parse(readFileSync(join(root, 'deploy', 'grafana', 'hitl-dashboard.json'), 'utf8')) as { uid: string; panels: Panel[] };

describe('the Grafana dashboard', () => {
  it('has panels, each with at least one query', () => {
    expect(dashboard.uid).toBe('hitl-platform');
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(10);
    for (const panel of dashboard.panels) expect(panel.targets.length).toBeGreaterThan(0);
  });

  it.each(dashboard.panels.map((p) => [p.title, p] as const))('%s queries only metrics the services export', (_title, panel) => {
    for (const { expr } of panel.targets) {
      const names = [...expr.matchAll(/\b((?:hitl|process|nodejs)_[a-z_]+)\b/g)].map((m) => m[1].replace(/_(bucket|count|sum)$/, ''));
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect({ name, exported: defined.has(name) || processMetrics.has(name) }).toEqual({ name, exported: true });
    }
  });
});

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}
const rules = (parse(readFileSync(join(root, 'deploy', 'prometheus', 'hitl-alerts.yaml'), 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

describe('the Prometheus alerts', () => {
  it.each(rules.map((r) => [r.alert, r] as const))('%s: named, explained, and on metrics the services export', (_name, rule) => {
    expect(rule.alert).toMatch(/^Hitl[A-Z]\w+$/);
    expect(['warning', 'critical']).toContain(rule.labels.severity);
    expect(rule.annotations.summary.length).toBeGreaterThan(10);
    expect(rule.annotations.description.length).toBeGreaterThan(40);
    if (rule.for) expect(rule.for).toMatch(/^\d+[smh]$/);
    const names = [...rule.expr.matchAll(/\b((?:hitl|process|nodejs)_[a-z_]+)\b/g)].map((m) => m[1].replace(/_(bucket|count|sum)$/, ''));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect({ name, exported: defined.has(name) || processMetrics.has(name) }).toEqual({ name, exported: true });
  });

  it('are all in the README', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const rule of rules) expect(readme).toContain(rule.alert);
  });
});
