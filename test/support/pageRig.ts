/**
 * What most page test files start with: a Chromium and an agent, started before the file's
 * tests and closed after (`usePageRig`). `browser` and `agent` are ES module live bindings: a
 * test file reads them once `before` has run.
 */
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startAgent, type StartedAgent } from './startAgent.js';

export let browser: Browser;
export let agent: StartedAgent;

/**
 * Starts the browser and an agent on a fresh store before the file's tests, then runs `setup`
 * in the same hook (a second top-level `before` was seen to read the agent before this one had
 * set it); closes both after.
 */
export function usePageRig(setup?: () => Promise<void>): void {
  before(async () => {
    [browser, agent] = await Promise.all([launchBrowser(), startAgent()]);
    await setup?.();
  });
  after(async () => {
    await browser?.close();
    await agent?.close();
  });
}
