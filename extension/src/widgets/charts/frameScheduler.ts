/**
 * Draws at most once per animation frame: however many live batches arrive, every chart that
 * changed is redrawn together in the next frame.
 */

/** Something that draws when its frame comes. */
export interface FrameClient {
  drawFrame(): void;
}

const pending = new Set<FrameClient>();
let frame = 0;

function run(): void {
  frame = 0;
  const due = [...pending];
  pending.clear();
  for (const c of due) c.drawFrame();
}

/** Asks for `client.drawFrame()` in the next animation frame (once, however often asked). */
export function scheduleFrame(client: FrameClient): void {
  pending.add(client);
  if (!frame) frame = requestAnimationFrame(run);
}

/** Forgets a pending draw (a chart being disposed). */
export function cancelFrame(client: FrameClient): void {
  pending.delete(client);
}
