/**
 * Driving a real JupyterLab page with playwright-core: open it and wait until it restored,
 * open or create notebooks, wait for their kernel, run cells and read what they show.
 * The app is `window.jupyterapp` (the test host exposes it); notebooks are found by path.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openPage, type TestPage } from './browser.js';

/** Options of `openJupyterLab`. */
export interface OpenJupyterLabOptions {
  /** Console errors to tolerate (substrings). */
  expectedErrors?: string[];
  /** Path under `/lab`, e.g. `/tree/nb.ipynb` (default: none). */
  path?: string;
  /** Milliseconds to wait for the app to restore (default 60 s: a cold first start parses ~20 MB). */
  timeoutMs?: number;
  /** Jupyter's token, sent once in the URL as a user's first visit does (default: none). */
  token?: string;
  /** The only port the page may reach (Jupyter's): any other request is refused. */
  onlyPort?: number;
}

/**
 * Opens JupyterLab (`<url>/lab`) in a fresh 1440×900 context and waits until the app has restored
 * its layout (`jupyterapp.restored`); console errors are collected as by `openPage`.
 */
export async function openJupyterLab(browser: Browser, url: string, opts: OpenJupyterLabOptions = {}): Promise<TestPage> {
  const query = opts.token ? `?token=${encodeURIComponent(opts.token)}` : '';
  const p = await openPage(browser, `${url}/lab${opts.path ?? ''}${query}`, {
    expectedErrors: opts.expectedErrors ?? [],
    viewport: { width: 1440, height: 900 },
    ...(opts.onlyPort !== undefined ? { onlyPort: opts.onlyPort } : {}),
  });
  try {
    // PyPI's JupyterLab exposes the app (--LabApp.expose_app_in_browser) and resolves `restored` once its layout is back
    await p.page.waitForFunction(() => !!window.jupyterapp, null, { timeout: opts.timeoutMs ?? 60_000 });
    await p.page.evaluate(() => window.jupyterapp.restored);
  } catch (err) {
    await p.close();
    throw new Error(`JupyterLab did not restore; page errors: ${JSON.stringify(p.errors)}`, { cause: err });
  }
  return p;
}

/** Whether the plugin with this id activated in the page's JupyterLab. */
export function isPluginActivated(page: Page, id: string): Promise<boolean> {
  return page.evaluate((pluginId) => window.jupyterapp.isPluginActivated(pluginId) as boolean, id);
}

/** A notebook cell to write: source, code unless said otherwise. */
export type CellSpec = string | { source: string; cellType?: 'code' | 'markdown' | 'raw' };

/**
 * Writes a Python 3 notebook file (nbformat 4.5) into `notebookDir`, for `openNotebook`.
 * @returns its path relative to the notebook folder (what JupyterLab calls its path)
 */
export async function writeNotebook(notebookDir: string, path: string, cells: CellSpec[] = []): Promise<string> {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' },
      language_info: { name: 'python' },
    },
    cells: cells.map((c, i) => {
      const { source, cellType = 'code' } = typeof c === 'string' ? { source: c } : c;
      const base = { id: `cell-${i}`, cell_type: cellType, metadata: {}, source };
      return cellType === 'code' ? { ...base, execution_count: null, outputs: [] } : base;
    }),
  };
  const file = join(notebookDir, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(nb, null, 1));
  return path;
}

/** The kernel a notebook got, once it answered `kernel_info`. */
export interface KernelReady {
  /** Kernel spec name, e.g. `python3`. */
  name: string;
  /** `language_info.name`, e.g. `python`. */
  language: string;
  /** `implementation`, e.g. `ipython`. */
  implementation: string;
}

/**
 * Opens a notebook file in the main area with its Python kernel, waits until the kernel is
 * ready (see `waitForKernel`).
 */
export async function openNotebook(page: Page, path: string, timeoutMs = 60_000): Promise<KernelReady> {
  await page.evaluate(
    (p) => window.jupyterapp.commands.execute('docmanager:open', { path: p, factory: 'Notebook', kernel: { name: 'python3' } }),
    path,
  );
  return waitForKernel(page, path, timeoutMs);
}

/**
 * Creates an untitled notebook with a Python kernel through JupyterLab's own command (as the
 * launcher does) and waits until its kernel is ready.
 * @returns its path
 */
export async function newNotebook(page: Page, timeoutMs = 60_000): Promise<string> {
  const path = await page.evaluate(async () => {
    const panel = await window.jupyterapp.commands.execute('notebook:create-new', { kernelName: 'python3' });
    await panel.context.ready;
    return panel.context.path as string;
  });
  await waitForKernel(page, path, timeoutMs);
  return path;
}

/**
 * Waits until the open notebook at `path` has a session whose kernel answered `kernel_info`.
 * Typing into a notebook before that can be lost on a cold kernel even when its status
 * already says idle.
 */
export async function waitForKernel(page: Page, path: string, timeoutMs = 60_000): Promise<KernelReady> {
  // (page functions are serialised: each looks the panel up itself)
  await page.waitForFunction(
    (p) => {
      for (const w of window.jupyterapp.shell.widgets('main')) if (w.context?.path === p && w.sessionContext) return true;
      return false;
    },
    path,
    { timeout: timeoutMs },
  );
  return page.evaluate(async (p) => {
    let panel: any;
    for (const w of window.jupyterapp.shell.widgets('main')) if (w.context?.path === p) panel = w;
    await panel.sessionContext.ready;
    const kernel = panel.sessionContext.session?.kernel;
    if (!kernel) throw new Error(`${p}: no kernel after the session was ready`);
    const info = await kernel.info;
    return { name: kernel.name as string, language: info.language_info.name as string, implementation: info.implementation as string };
  }, path);
}

/**
 * Sets the source of cell `index` of the open notebook at `path` (appending a code cell when
 * `index` is the cell count).
 */
export async function setCell(page: Page, path: string, index: number, source: string): Promise<void> {
  await page.evaluate(
    ({ p, i, src }) => {
      let panel: any;
      for (const w of window.jupyterapp.shell.widgets('main')) if (w.context?.path === p) panel = w;
      if (!panel) throw new Error(`${p} is not open`);
      const shared = panel.content.model.sharedModel;
      if (i === shared.cells.length) shared.insertCell(i, { cell_type: 'code', source: src });
      else if (i < shared.cells.length) shared.getCell(i).setSource(src);
      else throw new Error(`${p} has ${shared.cells.length} cells; cannot set cell ${i}`);
    },
    { p: path, i: index, src: source },
  );
}

/**
 * Runs cell `index` of the notebook at `path` as a user does — the notebook active, the
 * cell selected in command mode, Shift+Enter — and resolves once it started (its prompt
 * shows `[*]`) or already finished. Wait for the end with `waitForCell`.
 * @returns the prompt text before the run, to pass to `waitForCell`
 */
export async function startCell(page: Page, path: string, index: number): Promise<string> {
  const before = await page.evaluate(
    ({ p, i }) => {
      let panel: any;
      for (const w of window.jupyterapp.shell.widgets('main')) if (w.context?.path === p) panel = w;
      if (!panel) throw new Error(`${p} is not open`);
      window.jupyterapp.shell.activateById(panel.id);
      const nb = panel.content;
      nb.activeCellIndex = i;
      nb.deselectAll();
      nb.mode = 'command';
      nb.node.focus();
      return (nb.widgets[i].node.querySelector('.jp-InputPrompt')?.textContent ?? '') as string;
    },
    { p: path, i: index },
  );
  await page.keyboard.press('Shift+Enter');
  await page.waitForFunction(
    ({ p, i, prev }) => {
      let panel: any;
      for (const w of window.jupyterapp.shell.widgets('main')) if (w.context?.path === p) panel = w;
      const text = panel?.content.widgets[i]?.node.querySelector('.jp-InputPrompt')?.textContent ?? '';
      return text.includes('*') || (/\[\d+\]/.test(text) && text !== prev);
    },
    { p: path, i: index, prev: before },
  );
  return before;
}

/**
 * Waits until cell `index` finished the run that `startCell` started (its prompt shows an
 * execution count other than `before`).
 * @returns the cell's output text (see `cellOutput`)
 */
export async function waitForCell(page: Page, path: string, index: number, before: string, timeoutMs = 60_000): Promise<string> {
  await page.waitForFunction(
    ({ p, i, prev }) => {
      let panel: any;
      for (const w of window.jupyterapp.shell.widgets('main')) if (w.context?.path === p) panel = w;
      const text = panel?.content.widgets[i]?.node.querySelector('.jp-InputPrompt')?.textContent ?? '';
      return /\[\d+\]/.test(text) && text !== prev;
    },
    { p: path, i: index, prev: before },
    { timeout: timeoutMs },
  );
  return cellOutput(page, path, index);
}

/**
 * Sets cell `index` to `source`, runs it and waits for it to finish.
 * @returns the cell's output text
 */
export async function runCell(page: Page, path: string, index: number, source: string, timeoutMs = 60_000): Promise<string> {
  await setCell(page, path, index, source);
  const before = await startCell(page, path, index);
  return waitForCell(page, path, index, before, timeoutMs);
}

/** The text the outputs of cell `index` show, one output per line (empty when none). */
export function cellOutput(page: Page, path: string, index: number): Promise<string> {
  return page.evaluate(
    ({ p, i }) => {
      let panel: any;
      for (const w of window.jupyterapp.shell.widgets('main')) if (w.context?.path === p) panel = w;
      if (!panel) throw new Error(`${p} is not open`);
      // textContent, not innerText: a cell the notebook does not paint (content-visibility) has no innerText
      const outputs = panel.content.widgets[i]?.node.querySelectorAll('.jp-OutputArea-output') ?? [];
      return Array.from(outputs, (o: any) => (o.textContent as string).trim()).join('\n');
    },
    { p: path, i: index },
  );
}
