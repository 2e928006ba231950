import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstSorted } from 'lablog/search';

const byValueThenId = (a: { v: number; id: number }, b: { v: number; id: number }): number => a.v - b.v || a.id - b.id;

function items(n: number, shape: 'random' | 'ascending' | 'descending' | 'few values'): Array<{ v: number; id: number }> {
  return Array.from({ length: n }, (_, id) => ({
    id,
    v: shape === 'ascending' ? id : shape === 'descending' ? n - id : shape === 'few values' ? id % 3 : Math.floor(Math.random() * n),
  }));
}

test('the first k of a sort, whatever order the items come in, for every k', () => {
  for (const shape of ['random', 'ascending', 'descending', 'few values'] as const) {
    for (const n of [0, 1, 7, 100, 1000, 5003]) {
      const all = items(n, shape);
      const sorted = [...all].sort(byValueThenId);
      for (const k of [0, 1, 2, 10, 99, 100, 101, Math.floor(n / 4) - 1, Math.floor(n / 4), n - 1, n, n + 5]) {
        if (k < 0) continue;
        assert.deepEqual(firstSorted(all, byValueThenId, k), sorted.slice(0, Math.max(0, k)), `${shape} n=${n} k=${k}`);
      }
    }
  }
});

test('the items given are not reordered', () => {
  const all = items(2000, 'random');
  const before = all.map((x) => x.id);
  firstSorted(all, byValueThenId, 10);
  assert.deepEqual(all.map((x) => x.id), before);
});
