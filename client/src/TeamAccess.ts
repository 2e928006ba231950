/**
 * Signing in and sharing on a team server with users (`lablog serve --auth`): who is signed in,
 * the page's sign-in and sign-out (a session cookie the browser keeps; scripts use a token or
 * MLflow's Basic credentials instead), personal tokens, and an experiment's permissions for its
 * managers — granted and revoked through MLflow's permission endpoints. Every method rejects
 * with a `RequestError` carrying the server's MLflow error code.
 */
import type { ExperimentAccessList, PermissionName, WhoAmI } from '@lablog/schema';
import { RequestError, type RestClient } from './RestClient.js';

/** Sign-in and permission calls, made by `Lablog.access`. */
export class TeamAccess {
  private who: Promise<WhoAmI> | null = null;

  /** @internal */
  constructor(private readonly rest: RestClient) {}

  /**
   * Who is signed in: `{auth: false}` on an agent without users (a local agent, or a plain MLflow
   * server), `{auth: true}` without a name when nobody is. Read once, until `signIn`/`signOut`.
   */
  whoami(): Promise<WhoAmI> {
    this.who ??= this.rest.request<WhoAmI>('/api/2.0/lablog/auth/whoami', null, 'GET').catch((err: unknown) => {
      if (err instanceof RequestError && err.status === 401) return { auth: true };
      if (err instanceof RequestError && err.status === 404) return { auth: false };
      this.who = null;
      throw err;
    });
    return this.who;
  }

  /** Signs in (the agent sets a session cookie); resolves to who is signed in. @throws RequestError 401 for a wrong name or password */
  async signIn(username: string, password: string): Promise<WhoAmI> {
    this.who = null;
    const who = await this.rest.request<WhoAmI>('/api/2.0/lablog/auth/login', { username, password }, 'POST');
    this.who = Promise.resolve(who);
    return who;
  }

  /** Signs out (the session ends on the server too). */
  async signOut(): Promise<void> {
    this.who = null;
    await this.rest.request('/api/2.0/lablog/auth/logout', {}, 'POST');
  }

  /** A new personal token for the signed-in user (shown once: the server keeps only its hash). */
  async createToken(name: string): Promise<string> {
    return (await this.rest.request<{ token: string }>('/api/2.0/lablog/auth/tokens', { name }, 'POST')).token;
  }

  /** Who may do what on an experiment. @throws RequestError 403 unless the user manages it */
  experimentAccess(experimentId: string): Promise<ExperimentAccessList> {
    return this.rest.request<ExperimentAccessList>('/api/2.0/lablog/auth/experiment-permissions', null, 'GET', { experiment_id: experimentId });
  }

  /** Gives `username` a level on an experiment (replacing one they had). */
  async grantExperiment(experimentId: string, username: string, permission: PermissionName): Promise<void> {
    try {
      await this.rest.call('experiments/permissions/create', { experiment_id: experimentId, username, permission });
    } catch (err) {
      if (!(err instanceof RequestError && err.code === 'RESOURCE_ALREADY_EXISTS')) throw err;
      await this.rest.request('/api/2.0/mlflow/experiments/permissions/update', { experiment_id: experimentId, username, permission }, 'PATCH');
    }
  }

  /** Takes back `username`'s explicit level on an experiment (the server's default applies again). */
  async revokeExperiment(experimentId: string, username: string): Promise<void> {
    await this.rest.request('/api/2.0/mlflow/experiments/permissions/delete', { experiment_id: experimentId, username }, 'DELETE');
  }
}
