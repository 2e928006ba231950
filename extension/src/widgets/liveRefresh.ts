/**
 * "Read it again when it changed": a live watch whose relevant events call back at most once per
 * `delayMs` — and after a gap, when changes may have been missed. Without a live channel (a plain
 * MLflow server) it never calls back; the view keeps what it read.
 */
import type { WatchEvent, Watcher } from '@lablog/client';
import type { LiveEventKind } from '@lablog/schema';
import type { ViewerContext } from './context.js';

/**
 * Calls `onChange` (coalesced) for the events of `watcher` that `relevant` accepts.
 * @returns the function that stops it (and the watch)
 */
export function refreshOnEvents(watcher: Watcher, relevant: (ev: WatchEvent) => boolean, onChange: () => void, delayMs: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  void (async () => {
    try {
      for await (const ev of watcher) {
        if (stopped) break;
        if (!relevant(ev)) continue;
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

/**
 * Calls `onChange` (coalesced) whenever an event of one of `kinds` is committed anywhere (the
 * agent filters, so a metric point logged anywhere costs the viewer nothing).
 * @returns the function that stops it
 */
export function refreshOnChange(ctx: ViewerContext, kinds: LiveEventKind[], onChange: () => void, delayMs = 150): () => void {
  return refreshOnEvents(ctx.lablog.watch('all', { snapshot: false, kinds }), () => true, onChange, delayMs);
}
