/**
 * What a request presents as its credentials: `Authorization: Basic` (MLflow's
 * MLFLOW_TRACKING_USERNAME/PASSWORD), `Authorization: Bearer` (a personal token:
 * MLFLOW_TRACKING_TOKEN, the TS client's `token`), or the page's session cookie.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** The page's session cookie. */
export const SESSION_COOKIE = 'lablog_session';

/** Credentials found on a request. */
export type Credentials =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }
  | { kind: 'session'; id: string }
  | { kind: 'malformed' }
  | { kind: 'none' };

/** The credentials of a request's headers (Authorization first, then the session cookie). */
export function credentialsOf(headers: IncomingHttpHeaders): Credentials {
  const auth = headers.authorization;
  if (auth) {
    const [scheme, value = ''] = auth.split(/\s+/, 2);
    if (/^basic$/i.test(scheme ?? '')) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 1) return { kind: 'malformed' };
      return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (/^bearer$/i.test(scheme ?? '') && value) return { kind: 'bearer', token: value };
    return { kind: 'malformed' };
  }
  const id = cookie(headers.cookie, SESSION_COOKIE);
  return id ? { kind: 'session', id } : { kind: 'none' };
}

/** One cookie's value from a Cookie header, or undefined. */
export function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}
