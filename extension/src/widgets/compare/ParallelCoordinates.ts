/**
 * ParallelCoordinates — runs as polylines across one vertical axis per chosen param or metric
 * (SVG). Keys are chosen with checkboxes; until the user picks, the keys whose values differ are
 * shown. Hovering (or focusing) a run's line highlights it and lists its values. A numeric
 * axis turns logarithmic when its name is clicked; lines can be coloured by an axis's value;
 * dragging along an axis (or the arrow keys on it) brushes a range: runs outside every brush
 * fade, and whoever listens (the runs table) hears the ranges (see axisBrushes).
 */
import { seriesCss } from '../charts/chartColors.js';
import { Widget } from '@lumino/widgets';
import { runLabel } from '../format.js';
import type { ComparedRun } from './CompareModel.js';
import { compareRows } from './compareRows.js';
import { axisGroup } from './axisGroup.js';
import { axisKeys, buildAxis, type Axis, type AxisKey } from './parallelAxes.js';
import { runSwatch } from './runSwatch.js';
import { svg } from './svg.js';
import { AxisBrushes } from './axisBrushes.js';
import { rampColour } from './colourRamp.js';

/** Axes shown before the user chooses: at most this many. */
const DEFAULT_AXES = 8;
const HEIGHT = 300;
const MARGIN = { top: 34, right: 56, bottom: 16, left: 72 };
/** Roughly the width of a character of the axis labels, to shorten labels that would overlap. */
const CHAR_PX = 7;

/** A brushed range of one axis, in the axis's values (numeric) or its categories. */
export interface AxisBrush {
  id: string;
  section: 'params' | 'metrics';
  key: string;
  /** Numeric axes: the range brushed. */
  min?: number;
  max?: number;
  /** Category axes: the values inside the brush. */
  values?: string[];
}

/** Options of the view. */
export interface ParallelOptions {
  /** Told of the brushes after each change (empty: none). */
  brushed?: (brushes: AxisBrush[]) => void;
}

/** Parallel coordinates over some runs. */
export class ParallelCoordinates extends Widget {
  private runs: ComparedRun[] = [];
  private keys: AxisKey[] = [];
  /** The user's choice of axes (ids); null until they choose. */
  private chosen: Set<string> | null = null;
  private hovered: string | null = null;
  private readonly chooser = document.createElement('fieldset');
  private readonly plot = document.createElement('div');
  private readonly tooltip = document.createElement('div');
  private readonly resize: ResizeObserver;
  private width = 0;
  private frame = 0;
  private chooserShape = '';
  /** What is drawn now, to skip redrawing the same picture. */
  private drawn = '';
  /** The pointer's last place over the plot. */
  private pointer: [number, number] = [0, 0];
  /** Axes drawn logarithmic (ids). */
  private readonly logAxes = new Set<string>();
  /** The axis whose values colour the lines (id), or null: each run its own colour. */
  private colourBy: string | null = null;
  /** Brushed ranges by axis id. */
  private readonly brushes = new AxisBrushes((axisId, applied) => {
    this.draw();
    // the axis the keyboard is on keeps it across the redraw
    if (axisId !== null) this.plot.querySelector<SVGGElement>(`.ll-pc-brush-area[data-axis-key="${CSS.escape(axisId)}"]`)?.focus();
    if (applied) this.emitBrushes();
  });
  private readonly colourSelect = document.createElement('select');
  private axesDrawn: Axis[] = [];

  constructor(private readonly opts: ParallelOptions = {}) {
    super();
    this.addClass('ll-pc');
    this.chooser.className = 'll-pc-chooser';
    this.plot.className = 'll-pc-plot';
    this.tooltip.className = 'll-pc-tooltip';
    this.tooltip.setAttribute('role', 'tooltip');
    this.tooltip.hidden = true;
    this.colourSelect.className = 'll-input ll-pc-colour';
    this.colourSelect.setAttribute('aria-label', 'Colour the lines by');
    this.colourSelect.addEventListener('change', () => {
      this.colourBy = this.colourSelect.value || null;
      this.drawn = '';
      this.draw();
    });
    const colourLabel = document.createElement('label');
    colourLabel.className = 'll-pc-colour-label';
    colourLabel.append('Colour by ', this.colourSelect);
    this.node.append(this.chooser, colourLabel, this.plot);
    this.chooser.addEventListener('change', (e) => this.toggle(e.target as HTMLInputElement));
    // a redrawn line may have moved from under a pointer that never left it: any move off the
    // lines (or out of the plot) ends the hover
    const off = (e: PointerEvent): void => {
      if (this.hovered !== null && !(e.target as Element).closest?.('.ll-pc-run') && !this.plot.contains(document.activeElement)) this.highlight(null);
    };
    this.plot.addEventListener('pointermove', off);
    this.plot.addEventListener('pointerleave', off);
    this.resize = new ResizeObserver(() => {
      // drawn on the next frame, not inside the observer: redrawing cannot loop back into it
      cancelAnimationFrame(this.frame);
      this.frame = requestAnimationFrame(() => {
        if (this.plot.clientWidth !== this.width) this.draw();
      });
    });
    this.resize.observe(this.plot);
  }

  /** Draws these runs (their order and colours as given). */
  setRuns(runs: ComparedRun[]): void {
    this.runs = runs;
    this.keys = axisKeys(runs.map((r) => r.run));
    this.renderChooser();
    this.draw();
  }

  /** The ids of the axes shown, left to right (`params.lr`, `metrics.loss`). */
  get axisIds(): string[] {
    const chosen = this.chosen ?? this.defaultChoice();
    return this.keys.filter((k) => chosen.has(k.id)).map((k) => k.id);
  }

  /** Shows exactly these axes (ids); the user's later clicks change them. */
  setAxisIds(ids: Iterable<string>): void {
    this.chosen = new Set(ids);
    this.renderChooser();
    this.draw();
  }

  private defaultChoice(): Set<string> {
    const differing = new Set(
      compareRows(this.runs.map((r) => r.run))
        .filter((r) => r.differ)
        .map((r) => r.id),
    );
    const pick = this.keys.filter((k) => differing.has(k.id));
    return new Set((pick.length >= 2 ? pick : this.keys).slice(0, DEFAULT_AXES).map((k) => k.id));
  }

  private toggle(box: HTMLInputElement): void {
    const id = box.dataset.axisKey;
    if (!id) return;
    this.chosen ??= new Set(this.axisIds);
    if (box.checked) this.chosen.add(id);
    else this.chosen.delete(id);
    this.draw();
  }

  private renderChooser(): void {
    const shown = new Set(this.axisIds);
    // rebuilt only when the keys change, so a live update does not steal the focus
    const shape = this.keys.map((k) => k.id).join('\n');
    if (shape === this.chooserShape) {
      for (const box of this.chooser.querySelectorAll<HTMLInputElement>('input')) box.checked = shown.has(box.dataset.axisKey ?? '');
      return;
    }
    this.chooserShape = shape;
    const legend = document.createElement('legend');
    legend.textContent = 'Axes';
    this.chooser.replaceChildren(legend);
    for (const section of ['params', 'metrics'] as const) {
      const keys = this.keys.filter((k) => k.section === section);
      if (!keys.length) continue;
      const group = document.createElement('div');
      group.className = 'll-pc-chooser-group';
      const title = document.createElement('span');
      title.className = 'll-muted';
      title.textContent = section === 'params' ? 'Parameters' : 'Metrics';
      group.append(title);
      for (const k of keys) {
        const label = document.createElement('label');
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.dataset.axisKey = k.id;
        box.checked = shown.has(k.id);
        label.append(box, ` ${k.key}`);
        group.append(label);
      }
      this.chooser.append(group);
    }
  }

  private draw(): void {
    this.width = this.plot.clientWidth;
    const shown = new Set(this.axisIds);
    const runs = this.runs.map((r) => r.run);
    const axes = this.keys.filter((k) => shown.has(k.id)).map((k) => buildAxis(k, runs, this.logAxes.has(k.id)));
    this.axesDrawn = axes;
    this.renderColourChoice();
    // a live change that moves nothing drawn (a metric not on an axis) keeps the drawing, and
    // with it the hover and the keyboard focus
    const drawn = JSON.stringify([this.width, axes, this.runs.map((r) => [r.id, r.colour, runLabel(r.run)]), this.colourBy, this.brushes.shape]);
    if (drawn === this.drawn) return;
    this.drawn = drawn;
    const focused = this.plot.contains(document.activeElement) ? (document.activeElement?.getAttribute('data-run-id') ?? null) : null;
    if (axes.length === 0) {
      const p = document.createElement('p');
      p.className = 'll-muted ll-pc-none';
      p.textContent = this.keys.length ? 'Choose the parameters and metrics to draw as axes above.' : 'These runs have no parameters or metrics yet.';
      this.plot.replaceChildren(p);
      return;
    }
    const width = Math.max(this.width, 320);
    const inner = width - MARGIN.left - MARGIN.right;
    const xOf = (i: number): number => MARGIN.left + (axes.length === 1 ? inner / 2 : (i * inner) / (axes.length - 1));
    const yOf = (at: number): number => MARGIN.top + (1 - at) * (HEIGHT - MARGIN.top - MARGIN.bottom);
    const spacing = axes.length === 1 ? inner : inner / (axes.length - 1);

    const root = svg('svg', { class: 'll-pc-svg', width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img' });
    root.setAttribute('aria-label', `Parallel coordinates of ${this.runs.length} runs over ${axes.map((a) => a.key).join(', ')}`);
    const lines = svg('g', { class: 'll-pc-runs' });
    const colourAxis = this.colourBy === null ? undefined : buildAxis(this.keys.find((k) => k.id === this.colourBy) ?? { section: 'metrics', key: '', id: '' }, runs, this.logAxes.has(this.colourBy));
    this.runs.forEach((r, i) => {
      const g = this.runLine(r, i, axes, xOf, yOf);
      const at = colourAxis?.positions[i];
      if (colourAxis) g.style.setProperty('--ll-run-colour', at === null || at === undefined ? 'var(--ll-fg-muted)' : rampColour(at));
      if (!this.brushes.contains(axes, i)) g.classList.add('ll-pc-out');
      lines.append(g);
    });
    const axisLayer = svg('g', { class: 'll-pc-axes' });
    // the brush areas lie under the lines: a line or dot under the pointer is the line's, the
    // space around an axis is the brush's
    const brushLayer = svg('g', { class: 'll-pc-brushes' });
    axes.forEach((a, i) => {
      const group = axisGroup(a, xOf(i), yOf, Math.max(4, Math.floor(spacing / CHAR_PX)));
      const label = group.querySelector<SVGTextElement>('.ll-pc-axis-label');
      if (label && a.kind === 'numeric') {
        // a click on a numeric axis's name toggles a log scale
        label.classList.add('ll-pc-axis-toggle');
        if (a.log) label.classList.add('ll-pc-log');
        label.addEventListener('click', () => {
          if (!this.logAxes.delete(a.id)) this.logAxes.add(a.id);
          this.brushes.drop(a.id);
          this.draw();
          this.emitBrushes();
        });
        label.append(svg('title', {}, `${a.key}: click for a ${a.log ? 'linear' : 'logarithmic'} scale`));
      }
      brushLayer.append(this.brushes.area(a, xOf(i), yOf));
      axisLayer.append(group);
    });
    // axes under the lines, their labels above them (readable where lines cross a label)
    // the highlighted run is copied into the overlay: drawn over the others without moving its
    // element (moving it would drop the keyboard focus)
    const overlay = svg('g', { class: 'll-pc-overlay', 'aria-hidden': 'true' });
    root.append(svg('g', { class: 'll-pc-axis-lines' }, ...axes.map((_, i) => svg('line', { x1: xOf(i), x2: xOf(i), y1: yOf(1), y2: yOf(0) }))), brushLayer, lines, overlay, axisLayer);
    root.addEventListener('pointerdown', (e) => this.brushes.drag(e, root, axes, { xOf, yOf }));
    this.plot.replaceChildren(root, this.tooltip);
    const again = (id: string | null): SVGGElement | null => (id === null ? null : (lines.querySelector<SVGGElement>(`.ll-pc-run[data-run-id="${CSS.escape(id)}"]`) ?? null));
    const toFocus = again(focused);
    if (toFocus) toFocus.focus();
    else if (again(this.hovered)) {
      // still under the pointer: highlighted again, its values brought up to date
      const i = this.runs.findIndex((r) => r.id === this.hovered);
      this.highlight(this.hovered);
      this.showTooltip(this.runs[i]!, i, axes, ...this.pointer);
    } else this.highlight(null);
  }

  /** The brushes in the axes' own values. */
  get brushRanges(): AxisBrush[] {
    return this.brushes.inValues(this.axesDrawn);
  }

  /** Clears every brush. */
  clearBrushes(): void {
    if (!this.brushes.clear()) return;
    this.draw();
    this.emitBrushes();
  }

  private emitBrushes(): void {
    this.opts.brushed?.(this.brushRanges);
  }

  /** The "Colour by" choices: each run its own colour, or any numeric axis's value. */
  private renderColourChoice(): void {
    const numeric = this.keys.filter((k) => k.section === 'metrics' || this.axesDrawn.some((a) => a.id === k.id && a.kind === 'numeric'));
    const shape = numeric.map((k) => k.id).join('\n');
    if (this.colourSelect.dataset.shape !== shape) {
      this.colourSelect.dataset.shape = shape;
      this.colourSelect.replaceChildren(Object.assign(document.createElement('option'), { value: '', textContent: 'run' }), ...numeric.map((k) => Object.assign(document.createElement('option'), { value: k.id, textContent: k.id })));
    }
    this.colourSelect.value = this.colourBy ?? '';
  }

  private runLine(r: ComparedRun, i: number, axes: Axis[], xOf: (i: number) => number, yOf: (at: number) => number): SVGGElement {
    let d = '';
    let pen = false;
    const dots: SVGCircleElement[] = [];
    axes.forEach((a, j) => {
      const at = a.positions[i];
      if (at === null || at === undefined) {
        pen = false; // no value on this axis: the line breaks here
        return;
      }
      const x = xOf(j);
      const y = yOf(at);
      d += `${pen ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
      pen = true;
      dots.push(svg('circle', { class: 'll-pc-dot', cx: x.toFixed(1), cy: y.toFixed(1), r: 3 }));
    });
    const g = svg('g', { class: 'll-pc-run', tabindex: 0, 'data-run-id': r.id });
    g.style.setProperty('--ll-run-colour', seriesCss(r.colour));
    g.setAttribute('aria-label', `${runLabel(r.run)}: ${axes.map((a) => `${a.key} ${a.texts[i] || 'not set'}`).join(', ')}`);
    g.append(svg('path', { class: 'll-pc-hit', d }), svg('path', { class: 'll-pc-line', d }), ...dots);
    const show = (x: number, y: number): void => {
      this.highlight(r.id);
      this.showTooltip(r, i, axes, x, y);
    };
    g.addEventListener('pointerenter', (e) => show(...this.local(e)));
    g.addEventListener('pointermove', (e) => this.placeTooltip(...this.local(e)));
    g.addEventListener('focus', () => {
      const first = dots[0];
      show(Number(first?.getAttribute('cx') ?? 0), Number(first?.getAttribute('cy') ?? 0));
    });
    const hide = (): void => {
      if (this.hovered === r.id) this.highlight(null);
    };
    g.addEventListener('pointerleave', hide);
    g.addEventListener('blur', hide);
    return g;
  }

  private local(e: PointerEvent): [number, number] {
    const box = this.plot.getBoundingClientRect();
    this.pointer = [e.clientX - box.left, e.clientY - box.top];
    return this.pointer;
  }

  private highlight(runId: string | null): void {
    this.hovered = runId;
    const root = this.plot.querySelector('.ll-pc-svg');
    root?.classList.toggle('ll-pc-hovering', runId !== null);
    const overlay = this.plot.querySelector('.ll-pc-overlay');
    overlay?.replaceChildren();
    for (const g of this.plot.querySelectorAll<SVGGElement>('.ll-pc-run')) {
      const active = g.dataset.runId === runId;
      g.classList.toggle('ll-pc-active', active);
      if (active && overlay) {
        const copy = svg('g', { class: 'll-pc-active-copy' });
        copy.style.cssText = g.style.cssText;
        for (const part of g.querySelectorAll('.ll-pc-line, .ll-pc-dot')) copy.append(part.cloneNode());
        overlay.append(copy);
      }
    }
    if (runId === null) this.tooltip.hidden = true;
  }

  private showTooltip(r: ComparedRun, i: number, axes: Axis[], x: number, y: number): void {
    const title = document.createElement('div');
    title.className = 'll-pc-tooltip-title';
    title.append(runSwatch(r.colour), runLabel(r.run));
    const table = document.createElement('table');
    for (const a of axes) {
      const tr = table.insertRow();
      const k = document.createElement('th');
      k.textContent = a.key;
      const v = tr.insertCell();
      v.textContent = a.texts[i] || '—';
      if (a.kind === 'numeric') v.className = 'll-num';
      tr.prepend(k);
    }
    this.tooltip.replaceChildren(title, table);
    this.tooltip.hidden = false;
    this.placeTooltip(x, y);
  }

  private placeTooltip(x: number, y: number): void {
    if (this.tooltip.hidden) return;
    // beside the pointer, on whichever side has room
    const w = this.tooltip.offsetWidth;
    const left = x + 14 + w > this.plot.clientWidth ? Math.max(0, x - 14 - w) : x + 14;
    this.tooltip.style.left = `${left}px`;
    this.tooltip.style.top = `${Math.max(0, y - 10)}px`;
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.resize.disconnect();
    cancelAnimationFrame(this.frame);
    super.dispose();
  }
}
