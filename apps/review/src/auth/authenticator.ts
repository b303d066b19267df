import { verify } from '@node-rs/argon2';
import type { User } from './users';

/** Who is acting: what every guard, audit entry and review.decided carries. */
export interface Principal {
  id: string;
  name: string;
  roles: string[];
}

/**
 * Turns credentials into a principal. The password authenticator below checks argon2id hashes
 * seeded from configuration; an OIDC provider would implement this too (exchanging an
 * authorization code for the id token's subject and role claims) without touching the rest.
 */
export interface Authenticator {
  authenticate(username: string, secret: string): Promise<Principal | null>;
}

export const AUTHENTICATOR = Symbol('AUTHENTICATOR');

export class PasswordAuthenticator implements Authenticator {
  private readonly users: Map<string, User>;
  /** Verified against for unknown users too, so a wrong name costs as long as a wrong password. */
  private readonly decoy: string;

  constructor(users: User[]) {
    this.users = new Map(users.map((u) => [u.id, u]));
    this.decoy = users[0].passwordHash;
  }

  async authenticate(username: string, password: string): Promise<Principal | null> {
    const user = this.users.get(username);
    const ok = await verify(user?.passwordHash ?? this.decoy, password).catch(() => false);
    return user && ok ? { id: user.id, name: user.name, roles: user.roles } : null;
  }
}
