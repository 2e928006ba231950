/**
 * "Read this folder of the run's artifacts again when it changed": follows the run's live
 * artifact events under one folder (`figures/`, `logs/`), coalesced, and after a gap (changes
 * may have been missed). Without a live channel (a plain MLflow server) it never calls back.
 */
import type { ViewerContext } from '../context.js';

/**
 * Calls `onChange` (at most once per `delayMs`) when an artifact under `folder` of run `runId` is
 * written or deleted.
 * @returns the function that stops it
 */
export function watchRunFolder(ctx: ViewerContext, runId: string, folder: string, onChange: () => void, delayMs = 200): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let watcher: ReturnType<ViewerContext['lablog']['watch']>;
  try {
    watcher = ctx.lablog.watch({ run: runId }, { snapshot: false });
  } catch {
    return () => {};
  }
  void (async () => {
    try {
      for await (const ev of watcher) {
        if (stopped) break;
        const relevant = ev.kind === 'gap' || (ev.kind === 'artifact' && ev.path.startsWith(folder));
        if (!relevant) continue;
        timer ??= setTimeout(() => {
          timer = null;
          if (!stopped) onChange();
        }, delayMs);
      }
    } catch {
      // refused (a plain MLflow server): the view keeps what it read
    }
  })();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    void watcher.return();
  };
}
