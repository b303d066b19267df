import { formatPath } from '@hitl/contracts';
import { ConfigError } from '@hitl/platform';
import type { Policy } from '@hitl/policy';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export interface User {
  id: string;
  name: string;
  roles: string[];
  passwordHash: string;
  /** The categories this reviewer is assigned (POST /api/next); absent: every category their roles allow. */
  skills?: string[];
  /** The most cases they hold at once through claims; absent: REVIEW_CAPACITY. */
  capacity?: number;
}

const UserSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'expected a lower-case login name (a-z, 0-9, _ . -)'),
  name: z.string().trim().min(1).max(100),
  roles: z.array(z.string()).min(1),
  passwordHash: z.string().regex(/^\$argon2(id|i|d)\$/, 'expected an argon2 hash (npm run users:hash -- <password>)'),
  skills: z.array(z.string().regex(/^[a-z][a-z0-9_.-]*$/, 'expected a category name (a-z, 0-9, _ . -)')).min(1).optional(),
  capacity: z.number().int().min(1).max(100).optional(),
});
const UsersFileSchema = z.strictObject({ users: z.array(UserSchema).min(1) });

export const DEFAULT_USERS_FILE = join('config', 'users.default.yaml');

/**
 * The reviewers, seeded from configuration: REVIEW_USERS_FILE, else config/users.default.yaml
 * (the documented demo users). Every role must be declared in the policy, and ids unique; a bad
 * file stops the service naming the file and the field.
 */
export function loadUsers(policy: Policy, env: NodeJS.ProcessEnv = process.env): User[] {
  const file = env.REVIEW_USERS_FILE?.trim() || findDefault();
  const fail = (path: string, message: string): never => {
    throw new ConfigError([{ variable: 'REVIEW_USERS_FILE', message: `${file}: ${path ? `${path}: ` : ''}${message}` }]);
  };
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'), { uniqueKeys: true });
  } catch (error) {
    return fail('', `cannot read (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  const result = UsersFileSchema.safeParse(raw);
  if (!result.success) return fail(formatPath(result.error.issues[0].path), result.error.issues[0].message);
  const declared = new Set(policy.roles.map((r) => r.name));
  const seen = new Set<string>();
  result.data.users.forEach((user, i) => {
    if (seen.has(user.id)) fail(`users[${i}].id`, `${user.id} appears twice`);
    seen.add(user.id);
    user.roles.forEach((role, j) => {
      if (!declared.has(role)) fail(`users[${i}].roles[${j}]`, `role ${role} is not declared in the policy's roles`);
    });
  });
  return result.data.users;
}

function findDefault(start = __dirname): string {
  for (let dir = start, depth = 0; depth < 8; depth++) {
    const candidate = join(dir, DEFAULT_USERS_FILE);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return DEFAULT_USERS_FILE;
}
