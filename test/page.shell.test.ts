/**
 * The standalone page as served by the agent: `/` loads the bundle, the frame shows, the
 * connection indicator goes green, routes are URLs, the theme follows the OS, no console errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAgent } from 'lablog';
import { openPage } from './support/browser.js';
import { startAgent } from './support/startAgent.js';
import { agent, browser, usePageRig } from './support/pageRig.js';

usePageRig();

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

test('the connection indicator is on screen at 800 px; when the agent stops the page says so and marks what it shows as stale, and clears that when the agent is back', async () => {
  const own = await startAgent();
  const port = Number(new URL(own.url).port);
  let again: Awaited<ReturnType<typeof createAgent>> | undefined;
  const p = await openPage(browser, `${own.url}/`, { viewport: { width: 800, height: 600 } });
  try {
    await p.page.waitForSelector('.ll-connection[data-state="up"]');
    const box = await p.page.locator('.ll-connection').boundingBox();
    assert.ok(box && box.width > 60 && box.x + box.width <= 800, `indicator laid out on screen: ${JSON.stringify(box)}`);
    assert.equal(await p.page.locator('.ll-stale-banner').isVisible(), false);

    await own.agent.close();
    await p.page.waitForSelector('.ll-connection[data-state="down"]', { timeout: 15_000 });
    await p.page.waitForSelector('.ll-stale-banner', { state: 'visible' });
    assert.match(await p.page.locator('.ll-stale-banner').innerText(), /Disconnected from the agent .* may be out of date/);
    assert.equal(await p.page.locator('.ll-page-shell.ll-stale').count(), 1);
    const down = await p.page.locator('.ll-connection').boundingBox();
    assert.ok(down && down.width > 60 && down.x + down.width <= 800, `indicator still on screen: ${JSON.stringify(down)}`);

    // the same store, the same port: the page notices by itself
    again = await createAgent({ store: own.storeDir });
    await again.listen(port);
    await p.page.waitForSelector('.ll-connection[data-state="up"]', { timeout: 20_000 });
    await p.page.waitForSelector('.ll-stale-banner', { state: 'hidden' });
    assert.equal(await p.page.locator('.ll-page-shell.ll-stale').count(), 0);
  } finally {
    await p.close();
    await again?.close();
    await own.close();
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
  const p = await openPage(browser, 'about:blank');
  const sent: string[] = [];
  p.page.on('request', (r) => sent.push(r.url()));
  try {
    await p.page.goto(`${tokened.url}/#token=s3cret&/models`);
    await p.page.waitForSelector('.ll-connection[data-state="up"]');
    assert.equal(await p.page.evaluate(() => sessionStorage.getItem('lablog.token')), 's3cret');
    assert.equal(new URL(p.page.url()).hash, '#/models', 'the token leaves the address bar; the route stays');
    assert.ok(sent.some((u) => u.includes('/api/')), sent.join('\n'));
    assert.ok(sent.every((u) => !u.includes('s3cret')), sent.join('\n'));
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
    await tokened.close();
  }
});

test('a token with characters a WebSocket subprotocol cannot hold (/ = +) still opens the live channel', async () => {
  const token = 'sl/ash=eq+pl';
  const tokened = await startAgent({ token });
  const p = await openPage(browser, `${tokened.url}/#token=${encodeURIComponent(token)}&/models`);
  try {
    await p.page.waitForSelector('.ll-connection[data-state="up"]');
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
