import { ConfigError } from '@hitl/platform';
import { loadPolicy } from '@hitl/policy';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { directoryOf } from './reviewer-directory';
import { loadUsers } from './users';

const policy = loadPolicy(undefined, {});
const hash = '$argon2id$v=19$m=19456,t=2,p=1$xXox4Zpa9xYn+s2tNBcnJw$JsALmrW0jTikCVB7la/ddMcqsazh+BTN3cZM7Je32Iw';

function fileWith(users: Record<string, unknown>[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hitl-users-spec-')), 'users.yaml');
  writeFileSync(file, stringify({ users }));
  return file;
}
const load = (users: Record<string, unknown>[]) => loadUsers(policy, { REVIEW_USERS_FILE: fileWith(users) });
const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('the users file: skills and capacity (assignment)', () => {
  it('reads them, optional; the directory keeps them by id', () => {
    const users = load([
      { id: 'sam', name: 'Sam', roles: ['support_lead'], passwordHash: hash, skills: ['refund', 'account_change'], capacity: 3 },
      { id: 'jamie', name: 'Jamie', roles: ['support_lead'], passwordHash: hash },
    ]);
    expect(users.map((u) => [u.id, u.skills, u.capacity])).toEqual([
      ['sam', ['refund', 'account_change'], 3],
      ['jamie', undefined, undefined],
    ]);
    expect(Object.fromEntries(directoryOf(users))).toEqual({ sam: { skills: ['refund', 'account_change'], capacity: 3 }, jamie: {} });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an empty skills list', { skills: [] }, /users\[0\]\.skills/],
    ['a skill that is no category name', { skills: ['Refund!'] }, /users\[0\]\.skills\[0\].*category name/],
    ['a capacity of 0', { capacity: 0 }, /users\[0\]\.capacity/],
    ['a fractional capacity', { capacity: 1.5 }, /users\[0\]\.capacity/],
    ['a capacity over 100', { capacity: 101 }, /users\[0\]\.capacity/],
  ])('refuses %s, naming REVIEW_USERS_FILE and the field', (_, extra, field) => {
    const text = message(() => load([{ id: 'sam', name: 'Sam', roles: ['support_lead'], passwordHash: hash, ...extra }]));
    expect(text).toMatch(/REVIEW_USERS_FILE/);
    expect(text).toMatch(field);
  });
});
