/**
 * Capture in PyPI's JupyterLab (LABLOG_JUPYTER_VENV, with the jupyterlab-lablog wheel; the agent
 * the Jupyter server starts): a run is active while 20 cells each plot with matplotlib and print;
 * the page's cost of capturing each cell is read from the extension's User Timing entries
 * (`lablog:capture`: gathering the outputs and handing the report to the client). The kernel
 * never waits for it: what a cell can feel is this, on the page.
 */
import { launchBrowser } from '../test/support/browser.js';
import { JUPYTER_SKIP, openJupyterLab, openNotebook, runCell, startJupyterLab, writeNotebook } from '../test/support/jupyterLab.js';
import { fmt, type Row } from './table.js';

const CELLS = 20;
const NOISE = ['/api/resolvePath', '/api/contents/'];

/** The JupyterLab part of the capture bench (a row saying it was skipped without the venv). */
export async function jupyterlabCaptureBench(): Promise<Row[]> {
  if (JUPYTER_SKIP) return [{ figure: 'capture in JupyterLab', value: 'skipped', target: '—', reference: JUPYTER_SKIP }];
  const [browser, lab] = await Promise.all([launchBrowser(), startJupyterLab()]);
  try {
    const path = await writeNotebook(lab.notebookDir, 'capture.ipynb', ['']);
    const p = await openJupyterLab(browser, lab.url, { expectedErrors: NOISE });
    await openNotebook(p.page, path);
    for (let i = 0; i < 300; i++) {
      if ((await runCell(p.page, path, 0, "import os; print(os.environ.get('MLFLOW_TRACKING_URI', ''))")).includes('/nb/')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await runCell(p.page, path, 1, "import mlflow, matplotlib.pyplot as plt\nrun = mlflow.start_run(run_name='capture-bench')", 120_000);
    for (let i = 0; i < CELLS; i++) {
      await runCell(p.page, path, 2, `plt.plot(range(100), [x * x * ${i} for x in range(100)])\nplt.title('cell ${i}')\nplt.show()\nprint('epoch', ${i}, 'loss', ${1 / (i + 1)})`);
    }
    await runCell(p.page, path, 3, 'mlflow.end_run()');
    const ms = await p.page.evaluate(() => performance.getEntriesByName('lablog:capture').map((e) => e.duration));
    await p.close();
    const sorted = [...ms].sort((a, b) => a - b);
    return [
      {
        figure: `capture in JupyterLab: page time per cell, a matplotlib figure + a print (median / max of the ${ms.length} cells that displayed something)`,
        value: ms.length ? `${fmt(sorted[Math.floor(sorted.length / 2)]!, 2)} / ${fmt(sorted[sorted.length - 1]!, 2)} ms` : 'no capture seen',
        target: '< 20 ms added to the cell',
      },
    ];
  } finally {
    await browser.close();
    await lab.close();
  }
}
