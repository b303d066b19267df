import { roleAt, withinBusinessHours } from './business-hours';
import type { BusinessHours } from './policy.schema';

const hours: BusinessHours = { timezone: 'Europe/Amsterdam', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00', roles: ['team_lead', 'department_head'], onCallRole: 'on_call_manager' };

describe('business hours', () => {
  it.each([
    ['Tuesday 09:00 in Amsterdam (08:00 UTC in winter)', '2026-01-06T08:00:00Z', true],
    ['Tuesday 08:59 in Amsterdam', '2026-01-06T07:59:00Z', false],
    ['Tuesday 16:59 in Amsterdam', '2026-01-06T15:59:00Z', true],
    ['Tuesday 17:00 in Amsterdam (end is exclusive)', '2026-01-06T16:00:00Z', false],
    ['Saturday noon', '2026-01-10T11:00:00Z', false],
    ['Monday 10:00 in summer time (08:00 UTC)', '2026-07-06T08:00:00Z', true],
  ])('%s → %s', (_what, iso, expected) => {
    expect(withinBusinessHours(new Date(iso), hours)).toBe(expected);
  });

  it('outside the hours a step for those roles goes to the on-call role; other roles are unaffected', () => {
    const night = new Date('2026-01-06T22:00:00Z');
    expect(roleAt('team_lead', night, hours)).toBe('on_call_manager');
    expect(roleAt('team_lead', new Date('2026-01-06T10:00:00Z'), hours)).toBe('team_lead');
    expect(roleAt('director', night, hours)).toBe('director');
    expect(roleAt('team_lead', night, undefined)).toBe('team_lead');
  });
});
