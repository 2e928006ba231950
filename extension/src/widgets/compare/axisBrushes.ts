/**
 * The brushes of parallel coordinates: a range on an axis (as positions, 0 bottom … 1 top)
 * that runs must lie in. A drag that starts within reach of an axis brushes it — over the lines
 * too, since a sweep's lines cover the axes — and a click there clears it. From the keyboard,
 * an axis's brush area is a focus stop: ↑/↓ move the brush's lower end, Shift+↑/↓ its upper end,
 * Enter applies it, Delete (or Escape) clears it. A drag is applied when it ends; key presses
 * are applied on Enter, so a table filtering by the brush reads once, not once a key.
 */
import type { AxisBrush } from './ParallelCoordinates.js';
import type { Axis } from './parallelAxes.js';
import { svg } from './svg.js';

/** How far from an axis (px) a drag brushes it. */
export const BRUSH_REACH = 12;
/** How far one key press moves an end of a brush (of the axis's height). */
const KEY_STEP = 0.05;

/** Where the axes are drawn: x of the i-th axis, y of a position. */
export interface AxisLayout {
  xOf: (i: number) => number;
  yOf: (at: number) => number;
}

/** The brushes by axis id, and how they are drawn and changed. */
export class AxisBrushes {
  private readonly ranges = new Map<string, [number, number]>();

  /**
   * @param changed told after the user changed a brush (to redraw): `axisId` names the axis whose
   *   area has the keyboard (null for the pointer), `applied` whether listeners are to hear it now
   */
  constructor(private readonly changed: (axisId: string | null, applied: boolean) => void) {}

  /** The brushes, for telling whether a drawing changed. */
  get shape(): Array<[string, [number, number]]> {
    return [...this.ranges];
  }

  /** Whether any brush is set. */
  get size(): number {
    return this.ranges.size;
  }

  /** Drops an axis's brush (its scale changed, so its positions mean other values). */
  drop(axisId: string): void {
    this.ranges.delete(axisId);
  }

  /** Clears every brush. @returns whether there was any */
  clear(): boolean {
    const had = this.ranges.size > 0;
    this.ranges.clear();
    return had;
  }

  /** Whether run `i` is inside every brush of `axes`. */
  contains(axes: readonly Axis[], i: number): boolean {
    for (const a of axes) {
      const b = this.ranges.get(a.id);
      if (!b) continue;
      const at = a.positions[i];
      if (at === null || at === undefined || at < b[0] - 1e-9 || at > b[1] + 1e-9) return false;
    }
    return true;
  }

  /** The brushes in the axes' own values: a numeric range, or the categories inside. */
  inValues(axes: readonly Axis[]): AxisBrush[] {
    const out: AxisBrush[] = [];
    for (const a of axes) {
      const b = this.ranges.get(a.id);
      if (!b) continue;
      if (a.valueAt) out.push({ id: a.id, section: a.section, key: a.key, min: a.valueAt(b[0]), max: a.valueAt(b[1]) });
      else out.push({ id: a.id, section: a.section, key: a.key, values: a.ticks.filter((t) => t.at >= b[0] - 1e-9 && t.at <= b[1] + 1e-9).map((t) => t.label) });
    }
    return out;
  }

  /** The brush drawn on axis `a` (at x), and the area around it: where a drag starts, and the keyboard's stop. */
  area(a: Axis, x: number, yOf: (at: number) => number): SVGGElement {
    const current = this.ranges.get(a.id);
    const g = svg('g', { class: 'll-pc-brush-area', 'data-axis-key': a.id, tabindex: 0, role: 'slider' });
    g.setAttribute('aria-label', `Brush on ${a.key}: ↑ and ↓ move its lower end, Shift with ↑ and ↓ its upper end, Enter applies it, Delete clears it`);
    g.setAttribute('aria-valuemin', '0');
    g.setAttribute('aria-valuemax', '100');
    g.setAttribute('aria-valuenow', String(Math.round((current?.[0] ?? 0) * 100)));
    g.setAttribute('aria-valuetext', current ? this.describe(a, current) : 'no brush');
    const band = svg('rect', { class: 'll-pc-brush', x: x - 8, width: 16, y: current ? yOf(current[1]) : 0, height: current ? yOf(current[0]) - yOf(current[1]) : 0 });
    band.style.display = current ? '' : 'none';
    g.append(svg('rect', { class: 'll-pc-brush-hit', x: x - BRUSH_REACH, y: yOf(1), width: 2 * BRUSH_REACH, height: yOf(0) - yOf(1) }), band);
    g.addEventListener('keydown', (e) => this.key(e, a.id));
    return g;
  }

  private describe(a: Axis, [lo, hi]: [number, number]): string {
    if (!a.valueAt) return `${a.key} from ${Math.round(lo * 100)}% to ${Math.round(hi * 100)}% of the axis`;
    const f = (v: number) => v.toPrecision(3);
    return `${a.key} from ${f(a.valueAt(lo))} to ${f(a.valueAt(hi))}`;
  }

  private key(e: KeyboardEvent, axisId: string): void {
    let applied = false;
    if (e.key === 'Enter') applied = true;
    else if (e.key === 'Delete' || e.key === 'Backspace' || e.key === 'Escape') {
      if (!this.ranges.delete(axisId)) return;
      applied = true;
    } else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      const [lo, hi] = this.ranges.get(axisId) ?? [0, 1];
      const step = e.key === 'ArrowUp' ? KEY_STEP : -KEY_STEP;
      const clamp = (v: number) => Math.min(1, Math.max(0, Math.round(v * 1000) / 1000));
      // the ends never cross: a brush keeps at least one step of the axis
      const next: [number, number] = e.shiftKey ? [lo, Math.max(clamp(hi + step), lo + KEY_STEP)] : [Math.min(clamp(lo + step), hi - KEY_STEP), hi];
      if (next[0] <= 0 && next[1] >= 1) this.ranges.delete(axisId);
      else this.ranges.set(axisId, next);
    } else return;
    e.preventDefault();
    this.changed(axisId, applied);
  }

  /** Starts a drag that brushes the axis within reach of the pointer (a click clears that axis's brush). */
  drag(e: PointerEvent, root: SVGSVGElement, axes: readonly Axis[], layout: AxisLayout): void {
    if (e.button !== 0 || (e.target as Element).closest('.ll-pc-axis-toggle')) return;
    const { xOf, yOf } = layout;
    const box = root.getBoundingClientRect();
    const px = e.clientX - box.left;
    const a = axes.find((_, j) => Math.abs(xOf(j) - px) <= BRUSH_REACH);
    if (!a) return;
    e.preventDefault();
    const [top, bottom] = [yOf(1), yOf(0)];
    const posOf = (clientY: number): number => Math.min(1, Math.max(0, (bottom - (clientY - box.top)) / (bottom - top)));
    const band = root.querySelector<SVGRectElement>(`.ll-pc-brush-area[data-axis-key="${CSS.escape(a.id)}"] .ll-pc-brush`);
    const start = posOf(e.clientY);
    let end = start;
    root.setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent): void => {
      end = posOf(ev.clientY);
      const [lo, hi] = [Math.min(start, end), Math.max(start, end)];
      if (!band) return;
      band.style.display = '';
      band.setAttribute('y', String(yOf(hi)));
      band.setAttribute('height', String(yOf(lo) - yOf(hi)));
    };
    const up = (): void => {
      root.removeEventListener('pointermove', move);
      root.removeEventListener('pointerup', up);
      const [lo, hi] = [Math.min(start, end), Math.max(start, end)];
      if (hi - lo < 0.01) {
        // a click: clears the axis's brush, if it has one
        if (!this.ranges.delete(a.id)) return;
      } else this.ranges.set(a.id, [lo, hi]);
      this.changed(null, true);
    };
    root.addEventListener('pointermove', move);
    root.addEventListener('pointerup', up);
  }
}
