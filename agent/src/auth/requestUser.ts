/**
 * The signed-in user of a request, set by the authentication hook (authHooks) and read by the
 * permission check, the auth routes and the after-create grants.
 */
import type { FastifyRequest } from 'fastify';
import type { Principal } from './Authenticator.js';

const users = new WeakMap<FastifyRequest['raw'], Principal>();

/** Records who sent `req`. */
export function setUserOf(req: FastifyRequest, user: Principal): void {
  users.set(req.raw, user);
}

/** Who sent `req`; undefined for an anonymous request (or on an agent without users). */
export function userOf(req: FastifyRequest): Principal | undefined {
  return users.get(req.raw);
}
