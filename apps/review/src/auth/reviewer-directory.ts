import type { User } from './users';

export const REVIEWER_DIRECTORY = Symbol('REVIEWER_DIRECTORY');

/** What assignment knows of a reviewer besides their session: the categories they take, and how many cases they hold at most. */
export interface ReviewerProfile {
  skills?: string[];
  capacity?: number;
}

export type ReviewerDirectory = ReadonlyMap<string, ReviewerProfile>;

export function directoryOf(users: readonly User[]): ReviewerDirectory {
  return new Map(users.map((u) => [u.id, { ...(u.skills ? { skills: u.skills } : {}), ...(u.capacity ? { capacity: u.capacity } : {}) }]));
}
