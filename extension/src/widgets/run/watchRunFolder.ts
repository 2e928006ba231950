/**
 * "Read this folder of the run's artifacts again when it changed": follows the run's live
 * artifact events under one folder (`figures/`, `logs/`), coalesced, and after a gap (changes
 * may have been missed).
 */
import type { ViewerContext } from '../context.js';
import { refreshOnEvents } from '../liveRefresh.js';

/**
 * Calls `onChange` (at most once per `delayMs`) when an artifact under `folder` of run `runId` is
 * written or deleted.
 * @returns the function that stops it
 */
export function watchRunFolder(ctx: ViewerContext, runId: string, folder: string, onChange: () => void, delayMs = 200): () => void {
  let watcher: ReturnType<ViewerContext['lablog']['watch']>;
  try {
    watcher = ctx.lablog.watch({ run: runId }, { snapshot: false });
  } catch {
    return () => {};
  }
  return refreshOnEvents(watcher, (ev) => ev.kind === 'gap' || (ev.kind === 'artifact' && ev.path.startsWith(folder)), onChange, delayMs);
}
