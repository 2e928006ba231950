/**
 * The inline live chart: renders `application/vnd.lablog.run+json` in a cell's output as the
 * run's metric charts, which keep moving while the run logs.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { RUN_MIME_TYPE, type RunMimeData } from '@lablog/schema';
import { Panel, Widget } from '@lumino/widgets';
import { ChartGrid } from '../widgets/ChartGrid.js';
import type { ViewerContext } from '../widgets/context.js';

/** Renders one run's charts in an output area. */
export class RunRenderer extends Panel implements IRenderMime.IRenderer {
  private grid: ChartGrid | null = null;
  private shown: string | null = null;

  constructor(private readonly ctx: () => ViewerContext) {
    super();
    this.addClass('ll-theme');
    this.addClass('ll-jp');
    this.addClass('ll-inline-run');
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[RUN_MIME_TYPE] as Partial<RunMimeData> | undefined;
    const runId = typeof data?.run_id === 'string' ? data.run_id : '';
    const key = JSON.stringify(data ?? null);
    if (key === this.shown) return;
    this.shown = key;
    this.grid?.dispose();
    this.grid = null;
    for (const w of [...this.widgets]) w.dispose();
    if (!runId) {
      const e = new Widget();
      e.node.className = 'll-error';
      e.node.textContent = `lablog: ${RUN_MIME_TYPE} needs a run_id, e.g. {"run_id": run.info.run_id}`;
      this.addWidget(e);
      return;
    }
    const metrics = Array.isArray(data?.metrics) ? data.metrics.filter((m): m is string => typeof m === 'string') : undefined;
    this.grid = new ChartGrid(this.ctx(), { runIds: [runId], ...(metrics ? { keys: metrics } : {}) });
    this.node.dataset.runId = runId;
    this.addWidget(this.grid);
  }
}

/** The renderer factory registered with JupyterLab's rendermime registry. */
export function runRendererFactory(ctx: () => ViewerContext): IRenderMime.IRendererFactory {
  return {
    safe: true,
    mimeTypes: [RUN_MIME_TYPE],
    defaultRank: 50,
    createRenderer: () => new RunRenderer(ctx),
  };
}
