/**
 * runs/search paging: next_page_token walks every result exactly once, tokens are MLflow's
 * base64 `{"offset": N}`, and out-of-range page sizes or foreign tokens are rejected with 400.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodePageToken, encodePageToken, searchRuns } from 'lablog/search';
import { assertInvalid, names, run } from './records.js';

describe('pages', () => {
  const many = Array.from({ length: 25 }, (_, i) => run({ name: `r${i}`, start: i, metrics: { m: i % 4 } }));

  test('following next_page_token visits every run exactly once, in order', () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = searchRuns(many, { maxResults: 7, orderBy: ['metrics.m'], ...(pageToken ? { pageToken } : {}) });
      assert.ok(page.runs.length <= 7);
      seen.push(...names(page.runs));
      pageToken = page.nextPageToken;
      pages += 1;
    } while (pageToken !== undefined);
    assert.equal(pages, 4);
    assert.deepEqual(seen, names(searchRuns(many, { orderBy: ['metrics.m'] }).runs));
    assert.equal(new Set(seen).size, 25);
  });
  test('no token when the page ends exactly at the last run', () => {
    const first = searchRuns(many, { maxResults: 20 });
    assert.equal(first.runs.length, 20);
    const last = searchRuns(many, { maxResults: 5, pageToken: first.nextPageToken });
    assert.equal(last.runs.length, 5);
    assert.equal(last.nextPageToken, undefined);
    assert.equal(searchRuns(many, { maxResults: 25 }).nextPageToken, undefined);
  });
  test("tokens are MLflow's: base64 of {\"offset\": N}", () => {
    assert.equal(encodePageToken(2), 'eyJvZmZzZXQiOiAyfQ==');
    assert.equal(decodePageToken('eyJvZmZzZXQiOiAyfQ=='), 2);
    assert.equal(searchRuns(many, { maxResults: 2 }).nextPageToken, 'eyJvZmZzZXQiOiAyfQ==');
    assert.equal(decodePageToken(undefined), 0);
    assert.equal(decodePageToken(''), 0);
  });
  test('a token past the end gives an empty last page', () => {
    assert.deepEqual(searchRuns(many, { pageToken: encodePageToken(100) }), { runs: [] });
  });
  test('max_results defaults to 1000 and may be anything from 1 to 50000', () => {
    const lots = Array.from({ length: 1001 }, (_, i) => run({ name: `x${i}` }));
    const page = searchRuns(lots);
    assert.equal(page.runs.length, 1000);
    assert.equal(decodePageToken(page.nextPageToken), 1000);
    assert.equal(searchRuns(lots, { maxResults: 1 }).runs.length, 1);
    assert.equal(searchRuns(lots, { maxResults: 50000 }).runs.length, 1001);
  });
  test('max_results outside 1..50000 is rejected', () => {
    assertInvalid(() => searchRuns(many, { maxResults: 0 }), /Invalid value for request parameter max_results. It must be a positive integer, but got value 0/);
    assertInvalid(() => searchRuns(many, { maxResults: -3 }), /max_results/);
    assertInvalid(() => searchRuns(many, { maxResults: 2.5 }), /max_results/);
    assertInvalid(() => searchRuns(many, { maxResults: 50001 }), /Invalid value for request parameter max_results. It must be at most 50000, but got value 50001/);
  });
  test('a page token that is not ours is rejected', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    assertInvalid(() => searchRuns(many, { pageToken: 'not base64!' }), /Invalid page token, could not base64-decode/);
    assertInvalid(() => searchRuns(many, { pageToken: 'abc' }), /could not base64-decode/);
    assertInvalid(() => searchRuns(many, { pageToken: b64('hello') }), /Invalid page token, decoded value=hello/);
    assertInvalid(() => searchRuns(many, { pageToken: b64('{"page": 2}') }), /Invalid page token, parsed value=/);
    assertInvalid(() => searchRuns(many, { pageToken: b64('{"offset": -1}') }), /Invalid page token/);
    assertInvalid(() => searchRuns(many, { pageToken: b64('{"offset": 1.5}') }), /Invalid page token/);
  });
});
