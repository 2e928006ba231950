/**
 * The standalone page as served by the agent: `/` loads the bundle, the frame shows, the
 * connection indicator goes green, routes are URLs, the theme follows the OS, no console errors.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage } from './support/browser.js';
import { startAgent, type StartedAgent } from './support/startAgent.js';

let browser: Browser;
let agent: StartedAgent;

before(async () => {
  [browser, agent] = await Promise.all([launchBrowser(), startAgent()]);
});
after(async () => {
  await browser?.close();
  await agent?.close();
});

test('GET / serves the page; its assets are cacheable and need no token', async () => {
  const tokened = await startAgent({ token: 's3cret' });
  try {
    const res = await fetch(`${tokened.url}/`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<script type="module" src="static\/app-[A-Z0-9]+\.js">/);
    const js = html.match(/src="(static\/[^"]+)"/)?.[1];
    const asset = await fetch(`${tokened.url}/${js}`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    // the API still needs the token
    const api = await fetch(`${tokened.url}/api/2.0/mlflow/experiments/search`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(api.status, 401);
  } finally {
    await tokened.close();
  }
});

test('the page shows its frame, connects, and has no console errors', async () => {
  const p = await openPage(browser, `${agent.url}/`);
  try {
    await p.page.waitForSelector('.ll-connection[data-state="up"]');
    assert.equal(await p.page.locator('.ll-brand').textContent(), 'lablog');
    await p.screenshot('shell-light');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('dark OS theme gives dark colours', async () => {
  const p = await openPage(browser, `${agent.url}/`, { colorScheme: 'dark' });
  try {
    await p.page.waitForSelector('.ll-connection[data-state="up"]');
    const bg = await p.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(15, 19, 24)');
    await p.screenshot('shell-dark');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('the page takes a token from the fragment, which no request carries, and uses it', async () => {
  const tokened = await startAgent({ token: 's3cret' });
  const p = await openPage(browser, `${tokened.url}/#token=s3cret&/models`);
  const sent: string[] = [];
  p.page.on('request', (r) => sent.push(r.url()));
  try {
    await p.page.waitForSelector('.ll-connection[data-state="up"]');
    assert.equal(await p.page.evaluate(() => sessionStorage.getItem('lablog.token')), 's3cret');
    assert.equal(new URL(p.page.url()).hash, '#/models', 'the token leaves the address bar; the route stays');
    assert.ok(sent.length > 0);
    assert.ok(sent.every((u) => !u.includes('s3cret')), sent.join('\n'));
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
    await tokened.close();
  }
});

test('the page keeps a token given in the query (older links) and uses it', async () => {
  const tokened = await startAgent({ token: 's3cret' });
  const p = await openPage(browser, `${tokened.url}/?token=s3cret#/models`);
  try {
    await p.page.waitForSelector('.ll-connection[data-state="up"]');
    assert.equal(new URL(p.page.url()).search, '', 'the token leaves the address bar');
    assert.equal(await p.page.evaluate(() => sessionStorage.getItem('lablog.token')), 's3cret');
    assert.equal(new URL(p.page.url()).hash, '#/models');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
    await tokened.close();
  }
});
