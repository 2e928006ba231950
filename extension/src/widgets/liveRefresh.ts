/**
 * "Read it again when it changed": a watch over everything, restricted to a few event kinds
 * (the agent filters, so a metric point logged anywhere costs the viewer nothing), calling
 * back at most once per `delayMs` — and after a gap, when changes may have been missed.
 */
import type { LiveEventKind } from '@lablog/schema';
import type { ViewerContext } from './context.js';

/**
 * Calls `onChange` (coalesced) whenever an event of one of `kinds` is committed anywhere.
 * @returns the function that stops it
 */
export function refreshOnChange(ctx: ViewerContext, kinds: LiveEventKind[], onChange: () => void, delayMs = 150): () => void {
  const watcher = ctx.lablog.watch('all', { snapshot: false, kinds });
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  void (async () => {
    try {
      for await (const _ of watcher) {
        if (stopped) break;
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
