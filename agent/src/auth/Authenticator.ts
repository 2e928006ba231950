/**
 * Who a request is: checks Basic passwords (scrypt), personal tokens and page sessions (by the
 * hash of the secret) against the auth store. Failed password checks are slowed (Throttle).
 * A password check costs ~50-100 ms of CPU and the MLflow client sends Basic credentials on every
 * request, so a verified name+password pair is remembered for a short while — by a hash of the
 * pair, never the password — and forgotten at once when this agent changes or deletes the user.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { createHash } from 'node:crypto';
import { MlflowError } from '../errors.js';
import type { AuthStore, UserRecord } from './AuthStore.js';
import { credentialsOf } from './credentials.js';
import { secretHash, verifyNothing, verifyPassword } from './secrets.js';
import { Throttle } from './Throttle.js';

/** A signed-in user. */
export interface Principal {
  id: number;
  username: string;
  isAdmin: boolean;
}

/** How long a verified credential is trusted without asking the store again (ms). */
const CACHE_MS = 30_000;
/** Credentials remembered at most. */
const CACHE_MAX = 1000;

/** 401 with MLflow's words; the hook adds `WWW-Authenticate: Basic`. */
export function unauthenticated(message = 'You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.'): MlflowError {
  return new MlflowError('UNAUTHENTICATED', message);
}

function principal(u: UserRecord): Principal {
  return { id: u.id, username: u.username, isAdmin: u.isAdmin };
}

/** Authenticates requests against an AuthStore. */
export class Authenticator {
  private readonly cache = new Map<string, { user: Principal; until: number }>();

  constructor(
    private readonly store: AuthStore,
    readonly throttle = new Throttle(),
  ) {}

  /**
   * The user a request's headers name, or null when it presents no credentials.
   * @param address the client's address (for slowing guesses per address)
   * @throws UNAUTHENTICATED for wrong or malformed credentials
   */
  async authenticate(headers: IncomingHttpHeaders, address: string | undefined): Promise<Principal | null> {
    const c = credentialsOf(headers);
    switch (c.kind) {
      case 'none':
        return null;
      case 'malformed':
        throw unauthenticated('Unsupported or malformed Authorization header: send Basic (username and password) or Bearer (a personal token).');
      case 'basic':
        return this.password(c.username, c.password, address);
      case 'bearer':
        return this.secret(c.token, address);
      case 'session':
        // an ended session (expired, signed out elsewhere) is nobody: the page's own files still
        // load, and the page shows its sign-in form
        return this.session(c.id);
    }
  }

  /**
   * Checks a user name and password (Basic credentials, the page's sign-in).
   * @throws UNAUTHENTICATED when they do not match (after the throttle's wait)
   */
  async password(username: string, password: string, address: string | undefined): Promise<Principal> {
    const key = createHash('sha256').update(`${username}\0${password}`).digest('hex');
    const hit = this.remembered(key);
    if (hit) return hit;
    const keys = [`user:${username}`, ...(address ? [`ip:${address}`] : [])];
    await this.throttle.wait(keys);
    const user = await this.store.findUser(username);
    const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyNothing(password);
    if (!ok || !user) {
      this.throttle.fail(keys);
      throw unauthenticated('Incorrect username or password.');
    }
    this.throttle.succeed(`user:${username}`);
    return this.remember(key, principal(user));
  }

  private async session(id: string): Promise<Principal | null> {
    const hash = secretHash(id);
    const hit = this.remembered(hash);
    if (hit) return hit;
    const user = await this.store.userBySecret(hash);
    return user ? this.remember(hash, principal(user)) : null;
  }

  private async secret(secret: string, address: string | undefined): Promise<Principal> {
    const hash = secretHash(secret);
    const hit = this.remembered(hash);
    if (hit) return hit;
    // tokens are 256 random bits: guessing one is hopeless, but failures still slow the address
    const keys = address ? [`ip:${address}`] : [];
    await this.throttle.wait(keys);
    const user = await this.store.userBySecret(hash);
    if (!user) {
      this.throttle.fail(keys);
      throw unauthenticated('Unknown or revoked token.');
    }
    return this.remember(hash, principal(user));
  }

  private remembered(key: string): Principal | null {
    const e = this.cache.get(key);
    if (!e) return null;
    if (e.until < Date.now()) {
      this.cache.delete(key);
      return null;
    }
    return e.user;
  }

  private remember(key: string, user: Principal): Principal {
    this.cache.set(key, { user, until: Date.now() + CACHE_MS });
    while (this.cache.size > CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    return user;
  }

  /** Forgets every remembered credential (a user changed, a session ended). */
  forget(): void {
    this.cache.clear();
  }
}
