/** Drawing one axis of the parallel-coordinates view in SVG. */
import type { Axis } from './parallelAxes.js';
import { svg } from './svg.js';

/**
 * An axis at `x`: its name on top (shortened to `maxChars`, whole in its tooltip), ticks with
 * labels on its left. `yOf` maps a position (0 bottom … 1 top) to a y coordinate.
 */
export function axisGroup(a: Axis, x: number, yOf: (at: number) => number, maxChars: number): SVGGElement {
  const g = svg('g', { class: `ll-pc-axis ll-pc-${a.kind}`, 'data-axis-key': a.id });
  const name = svg('text', { class: 'll-pc-axis-label', x, y: yOf(1) - 14, 'text-anchor': 'middle' }, shorten(a.log ? `${a.key} (log)` : a.key, maxChars));
  name.append(svg('title', {}, `${a.section === 'params' ? 'param' : 'metric'} ${a.key}`));
  g.append(name);
  for (const t of a.ticks) {
    const y = yOf(t.at);
    const label = svg('text', { class: 'll-pc-tick', x: x - 7, y, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, shorten(t.label, 12));
    if (t.label.length > 12) label.append(svg('title', {}, t.label));
    g.append(svg('line', { class: 'll-pc-tick-mark', x1: x - 4, x2: x, y1: y, y2: y }), label);
  }
  return g;
}

function shorten(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`;
}
