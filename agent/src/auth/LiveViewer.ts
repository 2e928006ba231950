/**
 * A signed-in user's view of the live channel: which experiments' events it receives (those it
 * may read; registry events of the models it may read, re-read from the auth store every `refreshMs` and at each subscribe, so a revoked
 * permission stops the events within that time), which scopes it may subscribe to, and which
 * runs it may log to over the socket (EDIT on the run's experiment).
 */
import type { Scope } from '@lablog/schema';
import type { LiveAccess } from '../live/LiveAccess.js';
import { permissionDenied, type Access } from './Access.js';
import type { Principal } from './Authenticator.js';

/** How often a viewer's readable experiments are re-read. */
export const VIEWER_REFRESH_MS = 5000;

/** One socket's user. */
export class LiveViewer implements LiveAccess {
  private readable: (id: string) => boolean = () => false;
  private readableModels: (name: string) => boolean = () => false;
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    readonly user: Principal,
    private readonly access: Access,
  ) {}

  /** The viewer of `user`, its readable experiments read. */
  static async open(user: Principal, access: Access, refreshMs = VIEWER_REFRESH_MS): Promise<LiveViewer> {
    const v = new LiveViewer(user, access);
    await v.refresh();
    v.timer = setInterval(() => void v.refresh().catch(() => undefined), refreshMs);
    v.timer.unref();
    return v;
  }

  private async refresh(): Promise<void> {
    [this.readable, this.readableModels] = await Promise.all([this.access.readable(this.user, 'experiment'), this.access.readable(this.user, 'model')]);
  }

  mayRead(experimentId: string | null, model?: string | null): boolean {
    if (this.user.isAdmin) return true;
    if (experimentId !== null) return this.readable(experimentId);
    return model ? this.readableModels(model) : false;
  }

  async checkScope(scope: Scope, experimentOfRun: (runId: string) => Promise<string>): Promise<void> {
    await this.refresh();
    if (scope.kind === 'experiment') await this.access.check(this.user, [{ on: 'experiment', id: scope.experiment_id, need: 'read' }]);
    if (scope.kind === 'run') {
      const id = await experimentOfRun(scope.run_id);
      if (!this.mayRead(id)) throw permissionDenied(`Permission denied: reading experiment ${id} needs READ.`);
    }
  }

  async checkLog(runId: string): Promise<void> {
    await this.access.check(this.user, [{ on: 'run', id: runId, need: 'update' }]);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
