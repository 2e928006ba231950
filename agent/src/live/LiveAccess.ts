/**
 * What the live channel asks of a socket's user on a server with users (auth/LiveViewer answers):
 * the channel itself knows nothing of users and permissions. Without users there is none and
 * every viewer sees everything, as before.
 */
import type { Scope } from '@lablog/schema';

/** One socket's permissions. */
export interface LiveAccess {
  /**
   * True when an event may go to the socket: one of this experiment, or (experimentId null) a
   * registry event about this registered model. Synchronous: called on every fan-out.
   */
  mayRead(experimentId: string | null, model?: string | null): boolean;
  /**
   * Checks a subscription's scope before it is attached.
   * @param experimentOfRun finds a run's experiment (throws RESOURCE_DOES_NOT_EXIST for no such run)
   * @throws PERMISSION_DENIED
   */
  checkScope(scope: Scope, experimentOfRun: (runId: string) => Promise<string>): Promise<void>;
  /** @throws PERMISSION_DENIED when the user may not log to the run (EDIT on its experiment) */
  checkLog(runId: string): Promise<void>;
  /** Stops background work; the socket closed. */
  dispose(): void;
}
