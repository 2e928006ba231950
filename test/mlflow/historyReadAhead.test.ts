/**
 * get-history encodes the next page while the client reads this one (historyReadAhead). A page
 * read ahead must never be older than the request for it: a point written between two pages —
 * at the end, or among the points of the next page (a step logged out of order) — is in the next
 * page as read. Against both engines; also NaN and ±Infinity as MLflow's strings on a page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES, engineMissing, startEngineAgent, type EngineAgent } from '../support/engines.js';
import { fullHistory, get, newRun, post } from '../support/mlflowHttp.js';

type Page = { metrics?: Array<{ key: string; value: number | string; step: number; timestamp: number }>; next_page_token?: string };

for (const engine of ENGINES) {
  describe(`get-history reads ahead: ${engine}`, async () => {
    const skip = await engineMissing(engine);
    let a: EngineAgent;
    before(async () => {
      if (!skip) a = await startEngineAgent(engine);
    });
    after(() => a?.close());

    const page = async (runId: string, token?: string) => {
      const r = await get<Page>(a.url, 'metrics/get-history', { run_id: runId, metric_key: 'm', max_results: 1000, ...(token ? { page_token: token } : {}) });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    };
    const log = async (runId: string, points: Array<{ value: number | string; step: number; timestamp?: number }>) => {
      const metrics = points.map((p) => ({ key: 'm', value: p.value, step: p.step, timestamp: p.timestamp ?? 1 }));
      // MLflow's limit: 1,000 metrics a batch
      for (let i = 0; i < metrics.length; i += 1000) assert.equal((await post(a.url, 'runs/log-batch', { run_id: runId, metrics: metrics.slice(i, i + 1000) })).status, 200);
    };

    test('a point written between two pages is in the next page', { skip }, async () => {
      const { runId } = await newRun(a.url, `ahead-${engine}`);
      await log(runId, Array.from({ length: 2500 }, (_, i) => ({ value: i, step: i * 2 })));
      const first = await page(runId);
      assert.equal(first.metrics?.length, 1000);
      // let the next page be read ahead, then change what it holds: a step among its points
      // (PostgreSQL keeps step order; the file store logging order puts it at the end)
      await new Promise((r) => setTimeout(r, 200));
      await log(runId, [{ value: -1, step: 2001 }]);
      const second = await page(runId, first.next_page_token);
      // the whole history in one page (25,000 a page): nothing read ahead
      const whole = await fullHistory(a.url, runId, 'm');
      assert.equal(whole.length, 2501);
      assert.deepEqual(second.metrics, whole.slice(1000, 2000));
      // then at the end, past the last page read ahead
      await new Promise((r) => setTimeout(r, 200));
      await log(runId, [{ value: 7, step: 9999 }]);
      const third = await page(runId, second.next_page_token);
      assert.equal(third.next_page_token, undefined);
      assert.deepEqual(third.metrics, (await fullHistory(a.url, runId, 'm')).slice(2000));
      assert.deepEqual(third.metrics?.at(-1), { key: 'm', value: 7, step: 9999, timestamp: 1 });
    });

    test('NaN and ±Infinity are MLflow’s strings on a page read ahead as on one read at once', { skip }, async () => {
      const { runId } = await newRun(a.url, `ahead-odd-${engine}`);
      await log(runId, Array.from({ length: 2000 }, (_, i) => ({ value: i === 1500 ? 'NaN' : i === 1501 ? 'Infinity' : i === 1502 ? '-Infinity' : i / 4, step: i })));
      const first = await page(runId);
      await new Promise((r) => setTimeout(r, 200));
      const second = await page(runId, first.next_page_token);
      assert.deepEqual(second.metrics?.slice(500, 503).map((p) => p.value), ['NaN', 'Infinity', '-Infinity']);
      assert.equal(second.metrics?.[0]?.value, 250);
      assert.equal(second.next_page_token, undefined);
    });
  });
}
