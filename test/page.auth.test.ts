/**
 * The page on a team server with users, in real Chromium: nobody signed in sees the sign-in form;
 * a wrong password says so; once signed in the top bar says who, the live channel connects with
 * the session cookie, and the manager of an experiment grants and revokes access from its page
 * (what the agent then enforces); a user who does not manage it sees no Permissions section.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage } from './support/browser.js';
import { engineMissing, startEngineAgent, type EngineAgent } from './support/engines.js';
import { ADMIN_PASSWORD, addUser, call, newExperiment, newRun } from './auth/authHelpers.js';

const skip = await engineMissing('postgresql');

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.waitForSelector('.ll-signin-form');
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('.ll-signin-form button[type="submit"]');
}

describe('the page with users', { skip }, () => {
  let browser: Browser;
  let a: EngineAgent;
  let alice: Record<string, string>;
  let bob: Record<string, string>;
  let exp: string;
  before(async () => {
    [browser, a] = await Promise.all([launchBrowser(), startEngineAgent('postgresql', { auth: { adminPassword: ADMIN_PASSWORD } })]);
    alice = await addUser(a, 'alice', 'alice-pw-123');
    bob = await addUser(a, 'bob', 'bob-pw-456');
    exp = await newExperiment(a, 'alice-page', alice);
  });
  after(async () => {
    await browser?.close();
    await a?.close();
  });

  test('sign in (a wrong password first), see who you are, grant and revoke on the experiment page', async () => {
    const p = await openPage(browser, `${a.url}/#/experiments/${exp}`, { expectedErrors: ['401'] });
    try {
      await signIn(p.page, 'alice', 'not-it');
      await p.page.waitForSelector('.ll-signin-form .ll-error:not([hidden])');
      assert.match((await p.page.textContent('.ll-signin-form .ll-error')) ?? '', /Wrong user name or password/);
      await signIn(p.page, 'alice', 'alice-pw-123');
      await p.page.waitForSelector('.ll-user-badge');
      assert.equal(await p.page.textContent('.ll-user-name'), 'Signed in as alice');
      // the live channel signed in with the session cookie
      await p.page.waitForSelector('.ll-connection[data-state="up"]');
      await p.screenshot('auth-signed-in');

      await p.page.waitForSelector('details.ll-permissions:not([hidden])');
      await p.page.click('details.ll-permissions summary');
      assert.equal(await p.page.textContent('tr[data-user="alice"] .ll-permission-level'), 'MANAGE');
      await p.page.fill('.ll-grant-form input[name="username"]', 'bob');
      await p.page.selectOption('.ll-grant-form select', 'EDIT');
      await p.page.click('.ll-grant-form button[type="submit"]');
      await p.page.waitForSelector('tr[data-user="bob"]');
      assert.equal(await p.page.textContent('tr[data-user="bob"] .ll-permission-level'), 'EDIT');
      await p.screenshot('auth-permissions');
      const run = (await newRun(a, exp, alice)).body.run.info.run_id;
      assert.equal((await call(a, 'POST', '/api/2.0/mlflow/runs/set-tag', { run_id: run, key: 'by', value: 'bob' }, bob)).status, 200);

      await p.page.click('tr[data-user="bob"] button');
      await p.page.waitForSelector('tr[data-user="bob"]', { state: 'detached' });
      assert.equal((await call(a, 'POST', '/api/2.0/mlflow/runs/set-tag', { run_id: run, key: 'by', value: 'bob' }, bob)).status, 403);

      // a personal token for scripts, shown once, works as a Bearer token
      await p.page.click('.ll-user-badge button:has-text("New token")');
      const token = await p.page.inputValue('.ll-token-value');
      assert.match(token, /^llt_/);
      const who = await call(a, 'GET', '/api/2.0/lablog/auth/whoami', undefined, { authorization: `Bearer ${token}` });
      assert.equal(who.body.username, 'alice');
      await p.screenshot('auth-token');
      await p.page.click('.ll-token-box button:has-text("Done")');

      // signing out goes back to the sign-in form
      await p.page.click('.ll-user-badge button:has-text("Sign out")');
      await p.page.waitForSelector('.ll-signin-form');
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });

  test('a user who does not manage the experiment sees its runs but no Permissions section', async () => {
    const p = await openPage(browser, `${a.url}/#/experiments/${exp}`);
    try {
      // the section is made hidden, then removed once the agent refuses bob the experiment's permissions
      const refused = p.page.waitForResponse((r) => r.url().includes('/api/2.0/lablog/auth/experiment-permissions'));
      await signIn(p.page, 'bob', 'bob-pw-456');
      // the header shows the experiment's id until the experiment is read
      await p.page.waitForFunction(() => document.querySelector('.ll-runs-header h1')?.textContent === 'alice-page');
      await p.page.waitForSelector('.ll-connection[data-state="up"]');
      assert.equal((await refused).status(), 403);
      await p.page.waitForSelector('details.ll-permissions', { state: 'detached' });
      assert.equal(await p.page.locator('details.ll-permissions').count(), 0);
    } finally {
      await p.close();
    }
  });
});
