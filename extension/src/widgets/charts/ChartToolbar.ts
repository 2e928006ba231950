/**
 * The toolbar above a chart grid: x by step or time, log scale, smoothing, and a filter on
 * metric names. It owns no state beyond its inputs: changes go to the callbacks.
 */
import { Widget } from '@lumino/widgets';
import type { ChartSettings } from './ChartSettings.js';

/** What the toolbar reports. */
export interface ChartToolbarHandlers {
  settings(s: ChartSettings): void;
  filter(text: string): void;
}

/** Toolbar of a chart grid. */
export class ChartToolbar extends Widget {
  private settings: ChartSettings;
  private readonly axisButtons: HTMLButtonElement[];
  private readonly smoothingValue = document.createElement('output');

  /** @param initialFilter the metric filter it starts with (from the URL) */
  constructor(
    initial: ChartSettings,
    private readonly on: ChartToolbarHandlers,
    initialFilter = '',
  ) {
    super();
    this.addClass('ll-chart-toolbar');
    this.node.setAttribute('role', 'toolbar');
    this.settings = { ...initial };

    const axis = document.createElement('div');
    axis.className = 'll-segmented';
    axis.setAttribute('role', 'group');
    axis.setAttribute('aria-label', 'x axis');
    const axisLabel = document.createElement('span');
    axisLabel.className = 'll-muted';
    axisLabel.textContent = 'x';
    this.axisButtons = (['step', 'time'] as const).map((x) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'll-button';
      b.dataset.xAxis = x;
      b.textContent = x === 'step' ? 'Step' : 'Time';
      b.addEventListener('click', () => this.change({ xAxis: x }));
      return b;
    });
    axis.append(axisLabel, ...this.axisButtons);

    const log = document.createElement('label');
    log.className = 'll-check';
    const logBox = document.createElement('input');
    logBox.type = 'checkbox';
    logBox.className = 'll-log-scale';
    logBox.checked = initial.logScale;
    logBox.addEventListener('change', () => this.change({ logScale: logBox.checked }));
    log.append(logBox, ' Log scale');

    const smoothing = document.createElement('label');
    smoothing.className = 'll-smoothing';
    const slider = document.createElement('input');
    slider.type = 'range';
    slider.min = '0';
    slider.max = '0.99';
    slider.step = '0.01';
    slider.value = String(initial.smoothing);
    slider.className = 'll-smoothing-slider';
    slider.addEventListener('input', () => this.change({ smoothing: Number(slider.value) }));
    this.smoothingValue.className = 'll-mono';
    smoothing.append('Smoothing ', slider, this.smoothingValue);

    const filter = document.createElement('input');
    filter.type = 'search';
    filter.className = 'll-input ll-chart-filter';
    filter.placeholder = 'Filter metrics';
    filter.setAttribute('aria-label', 'Filter metrics by name');
    filter.value = initialFilter;
    filter.addEventListener('input', () => this.on.filter(filter.value));

    this.node.append(axis, log, smoothing, filter);
    this.reflect();
  }

  private change(c: Partial<ChartSettings>): void {
    this.settings = { ...this.settings, ...c };
    this.reflect();
    this.on.settings(this.settings);
  }

  private reflect(): void {
    for (const b of this.axisButtons) b.setAttribute('aria-pressed', String(b.dataset.xAxis === this.settings.xAxis));
    this.smoothingValue.textContent = this.settings.smoothing.toFixed(2);
  }
}
