import { ConfigError } from '@hitl/platform';
import { auditDatabaseUri } from './verify-main';

describe('which database audit:verify checks', () => {
  it("is the review service's default database when MONGODB_URI is not set", () => {
    expect(auditDatabaseUri({}, [])).toBe('mongodb://127.0.0.1:27017/hitl_review');
  });

  it('is the database MONGODB_URI names, else hitl_review on that server', () => {
    expect(auditDatabaseUri({ MONGODB_URI: 'mongodb://h:1/reviews?tls=true' }, [])).toBe('mongodb://h:1/reviews?tls=true');
    expect(auditDatabaseUri({ MONGODB_URI: 'mongodb://u:p@h1,h2/?replicaSet=rs' }, [])).toBe('mongodb://u:p@h1,h2/hitl_review?replicaSet=rs');
    expect(auditDatabaseUri({ MONGODB_URI: 'mongodb://h' }, [])).toBe('mongodb://h/hitl_review');
  });

  it('is the one --db names, on the server of MONGODB_URI', () => {
    expect(auditDatabaseUri({ MONGODB_URI: 'mongodb://h/other?w=1' }, ['--db', 'hitl_review'])).toBe('mongodb://h/hitl_review?w=1');
  });

  it.each([
    [{ MONGODB_URI: 'postgres://h/x' }, [], 'MONGODB_URI'],
    [{}, ['--db'], '--db'],
    [{}, ['--db', 'a.b'], '--db'],
    [{}, ['--verbose'], 'arguments'],
  ])('refuses %j %j naming %s', (env, args, variable) => {
    expect(() => auditDatabaseUri(env, args)).toThrow(ConfigError);
    expect(() => auditDatabaseUri(env, args)).toThrow(`Invalid configuration: ${variable}:`);
  });
});
