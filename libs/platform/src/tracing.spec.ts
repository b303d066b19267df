import { commandShape, instrumentations } from './tracing';

describe('library tracing', () => {
  it('records a MongoDB command by its shape: keys two levels deep, arrays as their length, never a value', () => {
    const update = { update: 'cases', updates: Array.from({ length: 500 }, (_, i) => ({ q: { _id: `case-${i}` }, u: { secret: 'x' } })), ordered: false, lsid: { id: 'abc' } };
    expect(commandShape(update)).toBe('{"update":"?","updates":"[500]","ordered":"?","lsid":{"id":"?"}}');
    expect(commandShape({ find: 'queue', filter: { _id: 'case-1', 'claim.until': { $gt: '2026' } }, limit: 1 })).toBe('{"find":"?","filter":{"_id":"?","claim.until":"{…}"},"limit":"?"}');
    expect(commandShape({ insert: 'x', documents: [{ password: 'p' }] })).not.toContain('p"');
  });

  it('instruments HTTP, Nest and MongoDB, each of which OTEL_NODE_DISABLED_INSTRUMENTATIONS can turn off', () => {
    const names = (env: NodeJS.ProcessEnv) => {
      const list = instrumentations(env);
      list.forEach((i) => i.disable()); // constructing one enables it: not in this test process
      return list.map((i) => i.instrumentationName);
    };
    expect(names({})).toEqual(['@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-nestjs-core', '@opentelemetry/instrumentation-mongodb']);
    expect(names({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'mongodb, http' })).toEqual(['@opentelemetry/instrumentation-nestjs-core']);
  });
});
