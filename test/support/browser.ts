/**
 * The real browser for page and widget tests: Debian's Chromium driven by playwright-core.
 * One browser per test file; one page per test, which records every console error and
 * uncaught exception so a test can require there were none.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Where Debian puts Chromium; `.ci/run` installs it. */
export const CHROMIUM = process.env.LABLOG_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a headless Chromium on a machine with no network beyond loopback. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Folder of the screenshots tests save (kept by CI as test artifacts; ignored by git). */
export const SCREENSHOT_DIR = join(import.meta.dirname, '..', '..', 'output', 'screenshots');

/** Starts Chromium. Close it in `after`. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** A page under test and what it reported. */
export interface TestPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions so far, as text. */
  errors: string[];
  /** Saves a full-page PNG as `<SCREENSHOT_DIR>/<name>.png`. */
  screenshot(name: string): Promise<string>;
  /** Closes the page's context. */
  close(): Promise<void>;
}

/** Requests refused by `onlyPort` (URLs), to assert that the page tried none. */
export const refusedByPort = new WeakMap<BrowserContext, string[]>();

/**
 * Lets the context's pages reach one port of 127.0.0.1 only, as a browser that reaches a remote
 * Jupyter server through a tunnel: every other request and WebSocket is refused (and recorded).
 */
async function onlyPort(context: BrowserContext, port: number): Promise<void> {
  const refused: string[] = [];
  refusedByPort.set(context, refused);
  const allowed = (u: URL) => u.protocol === 'data:' || u.protocol === 'blob:' || (u.hostname === '127.0.0.1' && u.port === String(port));
  await context.route(
    (u) => !allowed(u),
    (route) => {
      refused.push(route.request().url());
      return route.abort('connectionrefused');
    },
  );
  await context.routeWebSocket(
    (u) => !allowed(u),
    (ws) => {
      refused.push(ws.url());
      ws.close({ code: 1006, reason: 'refused by the test' });
    },
  );
}

/**
 * Opens `url` in a new context (fresh storage).
 * @param opts.colorScheme emulated OS theme (default light)
 * @param opts.viewport default 1280×800
 * @param opts.expectedErrors console errors to tolerate (substrings), e.g. a 400 the test provokes
 * @param opts.onlyPort the only port of 127.0.0.1 the page may reach (default: any)
 */
export async function openPage(
  browser: Browser,
  url: string,
  opts: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number }; expectedErrors?: string[]; onlyPort?: number } = {},
): Promise<TestPage> {
  const context = await browser.newContext({ colorScheme: opts.colorScheme ?? 'light', viewport: opts.viewport ?? { width: 1280, height: 800 } });
  if (opts.onlyPort !== undefined) await onlyPort(context, opts.onlyPort);
  const page = await context.newPage();
  const errors: string[] = [];
  const expected = opts.expectedErrors ?? [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = `${msg.text()} (${msg.location().url})`;
    if (!expected.some((e) => text.includes(e))) errors.push(text);
  });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.stack ?? err.message}`));
  await page.goto(url);
  return {
    page,
    context,
    errors,
    async screenshot(name) {
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: () => context.close(),
  };
}
