/**
 * The search filter grammar, piece by piece: what `parseFilter` accepts and what it turns
 * each clause into, and how it rejects everything else (always 400 INVALID_PARAMETER_VALUE).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFilter } from 'lablog/search';
import { assertInvalid } from './records.js';

const one = (filter: string) => {
  const clauses = parseFilter(filter, 'run');
  const [clause, ...more] = clauses;
  assert.ok(clause !== undefined && more.length === 0, `expected one clause from ${filter}`);
  return clause;
};

describe('no filter', () => {
  test('undefined, empty and blank filters have no clauses', () => {
    assert.deepEqual(parseFilter(undefined, 'run'), []);
    assert.deepEqual(parseFilter('', 'run'), []);
    assert.deepEqual(parseFilter('   \n\t', 'run'), []);
    assert.deepEqual(parseFilter('', 'experiment'), []);
  });
});

describe('entities and their aliases', () => {
  for (const alias of ['metrics', 'metric']) {
    test(`${alias}.<key> is a metric`, () => {
      assert.deepEqual(one(`${alias}.loss < 0.5`), { entity: 'metric', key: 'loss', test: { type: 'number', op: '<', value: 0.5 } });
    });
  }
  for (const alias of ['params', 'param', 'parameters', 'parameter']) {
    test(`${alias}.<key> is a param`, () => {
      assert.deepEqual(one(`${alias}.lr = '0.1'`), { entity: 'param', key: 'lr', test: { type: 'string', op: '=', value: '0.1' } });
    });
  }
  for (const alias of ['tags', 'tag']) {
    test(`${alias}.<key> is a tag`, () => {
      assert.deepEqual(one(`${alias}.team = 'vision'`), { entity: 'tag', key: 'team', test: { type: 'string', op: '=', value: 'vision' } });
    });
  }
  for (const alias of ['attributes', 'attribute', 'attr', 'run']) {
    test(`${alias}.<key> is an attribute`, () => {
      assert.deepEqual(one(`${alias}.status = 'FINISHED'`), {
        entity: 'attribute',
        key: 'status',
        test: { type: 'string', op: '=', value: 'FINISHED' },
      });
    });
  }
  for (const alias of ['datasets', 'dataset']) {
    test(`${alias}.<key> is a dataset field`, () => {
      assert.deepEqual(one(`${alias}.name = 'mnist'`), { entity: 'dataset', key: 'name', test: { type: 'string', op: '=', value: 'mnist' } });
    });
  }
  test('a key without an entity is an attribute', () => {
    assert.deepEqual(one(`run_name = 'a'`), { entity: 'attribute', key: 'run_name', test: { type: 'string', op: '=', value: 'a' } });
  });
  test('every run attribute is searchable', () => {
    for (const key of ['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'lifecycle_stage']) {
      assert.equal(one(`attributes.${key} = 'x'`).key, key);
    }
    for (const key of ['start_time', 'end_time']) {
      assert.deepEqual(one(`attributes.${key} > 5`).test, { type: 'number', op: '>', value: 5 });
    }
  });
  test('dataset fields are name, digest and context', () => {
    for (const key of ['name', 'digest', 'context']) assert.equal(one(`datasets.${key} = 'x'`).key, key);
  });
});

describe('comparators per entity', () => {
  test('metrics take > >= < <= = !=', () => {
    for (const op of ['>', '>=', '<', '<=', '=', '!='] as const) {
      assert.deepEqual(one(`metrics.acc ${op} 1`).test, { type: 'number', op, value: 1 });
    }
  });
  test('numeric attributes take the same comparators', () => {
    for (const op of ['>', '>=', '<', '<=', '=', '!='] as const) {
      assert.deepEqual(one(`attributes.start_time ${op} 1`).test, { type: 'number', op, value: 1 });
    }
  });
  test('params and tags take = != LIKE ILIKE, keywords in any case', () => {
    for (const entity of ['params', 'tags']) {
      assert.equal(one(`${entity}.k = 'v'`).test.op, '=');
      assert.equal(one(`${entity}.k != 'v'`).test.op, '!=');
      assert.equal(one(`${entity}.k LIKE 'v%'`).test.op, 'LIKE');
      assert.equal(one(`${entity}.k like 'v%'`).test.op, 'LIKE');
      assert.equal(one(`${entity}.k ILIKE 'v%'`).test.op, 'ILIKE');
      assert.equal(one(`${entity}.k iLike 'v%'`).test.op, 'ILIKE');
    }
  });
  test('string attributes and datasets also take IN and NOT IN with a list of quoted strings', () => {
    assert.deepEqual(one(`attributes.status IN ('FAILED', 'KILLED')`).test, { type: 'list', op: 'IN', values: ['FAILED', 'KILLED'] });
    assert.deepEqual(one(`attributes.run_id not in ('a')`).test, { type: 'list', op: 'NOT IN', values: ['a'] });
    assert.deepEqual(one(`datasets.digest IN ("d1","d2")`).test, { type: 'list', op: 'IN', values: ['d1', 'd2'] });
    assert.deepEqual(one(`datasets.context NOT IN ('eval')`).test, { type: 'list', op: 'NOT IN', values: ['eval'] });
    assert.equal(one(`attributes.user_id ILIKE '%ALICE%'`).test.op, 'ILIKE');
  });
  test('operators need no surrounding spaces', () => {
    assert.deepEqual(one(`metrics.acc>=-1`).test, { type: 'number', op: '>=', value: -1 });
    assert.deepEqual(one(`params.a!='b'`).test, { type: 'string', op: '!=', value: 'b' });
  });
});

describe('keys', () => {
  test('unquoted keys may contain dots', () => {
    assert.deepEqual(one(`tags.mlflow.parentRunId = 'abc'`), {
      entity: 'tag',
      key: 'mlflow.parentRunId',
      test: { type: 'string', op: '=', value: 'abc' },
    });
    assert.equal(one(`metrics.1st.epoch > 0`).key, '1st.epoch');
  });
  test('keys with special characters are quoted with backticks or double quotes', () => {
    assert.equal(one('metrics.`my-metric` > 1').key, 'my-metric');
    assert.equal(one('metrics.`val loss/epoch:1` > 1').key, 'val loss/epoch:1');
    assert.equal(one(`tags."mlflow.runName" = 'x'`).key, 'mlflow.runName');
    assert.equal(one("params.`a.b` = 'x'").key, 'a.b');
  });
  test('"Run name" and created are aliases of run_name and start_time', () => {
    assert.equal(one("attributes.`Run name` = 'x'").key, 'run_name');
    assert.equal(one("`Run name` = 'x'").key, 'run_name');
    assert.equal(one(`"Run name" LIKE 'x%'`).key, 'run_name');
    assert.deepEqual(one('attributes.created > 10'), { entity: 'attribute', key: 'start_time', test: { type: 'number', op: '>', value: 10 } });
    assert.equal(one('Created > 10').key, 'start_time');
  });
});

describe('values', () => {
  test('numbers may be negative, decimal or in exponent form', () => {
    for (const [text, value] of [['3', 3], ['-2', -2], ['0.25', 0.25], ['.5', 0.5], ['-1.5e-3', -0.0015], ['2E3', 2000]] as const) {
      assert.deepEqual(one(`metrics.m = ${text}`).test, { type: 'number', op: '=', value });
    }
  });
  test("strings are 'single' or \"double\" quoted; a doubled quote stands for one", () => {
    assert.deepEqual(one(`params.a = 'x y'`).test, { type: 'string', op: '=', value: 'x y' });
    assert.deepEqual(one(`params.a = "x y"`).test, { type: 'string', op: '=', value: 'x y' });
    assert.deepEqual(one(`params.a = 'it''s'`).test, { type: 'string', op: '=', value: "it's" });
    assert.deepEqual(one(`params.a = ''`).test, { type: 'string', op: '=', value: '' });
  });
  test('keywords and brackets inside quoted strings are just text', () => {
    assert.deepEqual(one(`params.a = 'x AND (y OR z)'`).test, { type: 'string', op: '=', value: 'x AND (y OR z)' });
  });
});

describe('AND chains', () => {
  test('clauses are joined by AND in any case', () => {
    const clauses = parseFilter(`metrics.a > 1 AND params.b = 'x' and tags.c != 'y' And attr.status = 'RUNNING'`, 'run');
    assert.deepEqual(
      clauses.map((c) => `${c.entity}.${c.key} ${c.test.op}`),
      ['metric.a >', 'param.b =', 'tag.c !=', 'attribute.status ='],
    );
  });
  test('the filter from mlflow.search_runs in the recorded session parses', () => {
    assert.equal(parseFilter(`metrics.score >= 0.1 and attributes.status = 'FINISHED'`, 'run').length, 2);
  });
});

describe('experiment filters', () => {
  test('name, creation_time, last_update_time and tags.<key>, with or without the attribute prefix', () => {
    assert.deepEqual(parseFilter(`name = 'x'`, 'experiment'), parseFilter(`attribute.name = 'x'`, 'experiment'));
    assert.deepEqual(parseFilter(`attributes.name LIKE 'nb-%' AND tags.team = 'a' AND creation_time > 5 AND last_update_time <= 9`, 'experiment'), [
      { entity: 'attribute', key: 'name', test: { type: 'string', op: 'LIKE', value: 'nb-%' } },
      { entity: 'tag', key: 'team', test: { type: 'string', op: '=', value: 'a' } },
      { entity: 'attribute', key: 'creation_time', test: { type: 'number', op: '>', value: 5 } },
      { entity: 'attribute', key: 'last_update_time', test: { type: 'number', op: '<=', value: 9 } },
    ]);
  });
  test('runs-only entities, run attributes and IN are rejected', () => {
    assertInvalid(() => parseFilter('metrics.a > 1', 'experiment'), /Invalid entity type 'metrics'. Valid entity types are/);
    assertInvalid(() => parseFilter(`status = 'x'`, 'experiment'), /Invalid attribute key 'status' specified. Valid keys are .*'name'/);
    assertInvalid(() => parseFilter(`name IN ('a')`, 'experiment'), /Invalid comparator 'IN'/);
    assertInvalid(() => parseFilter(`creation_time = 'yesterday'`, 'experiment'), /Expected numeric value type for numeric attribute: creation_time/);
  });
});

describe('rejected filters (400 INVALID_PARAMETER_VALUE)', () => {
  test('a comparator the entity does not have, in MLflow words', () => {
    assertInvalid(() => parseFilter('metrics.x >> 1', 'run'), /^Invalid comparator '>>' not one of '\{'>=', '!=', '<', '=', '>', '<='\}/);
    assertInvalid(() => parseFilter('metrics.x == 1', 'run'), /Invalid comparator '=='/);
    assertInvalid(() => parseFilter(`metrics.x LIKE '1'`, 'run'), /Invalid comparator 'LIKE'/);
    assertInvalid(() => parseFilter(`params.x > '1'`, 'run'), /Invalid comparator '>' not one of .*LIKE/);
    assertInvalid(() => parseFilter(`tags.x IN ('1')`, 'run'), /Invalid comparator 'IN'/);
    assertInvalid(() => parseFilter(`attributes.start_time LIKE '1%'`, 'run'), /Invalid comparator 'LIKE'/);
    assertInvalid(() => parseFilter(`params.x NOT LIKE 'a'`, 'run'), /Invalid comparator 'NOT LIKE'/);
  });
  test('an unknown entity, attribute or dataset field', () => {
    assertInvalid(() => parseFilter('foo.x = 1', 'run'), /Invalid entity type 'foo'. Valid values are/);
    assertInvalid(() => parseFilter(`attributes.foo = 'x'`, 'run'), /^Invalid attribute key 'foo' specified. Valid keys are .*'run_name'/);
    assertInvalid(() => parseFilter(`foo = 'x'`, 'run'), /Invalid attribute key 'foo'/);
    assertInvalid(() => parseFilter(`datasets.source = 'x'`, 'run'), /Invalid dataset key 'source' specified/);
    assertInvalid(() => parseFilter(`Metrics.x > 1`, 'run'), /Invalid entity type 'Metrics'/);
  });
  test('a value of the wrong type', () => {
    assertInvalid(() => parseFilter('params.lr = abc', 'run'), /^Expected a quoted string value for param \(e\.g\. 'my-value'\)\. Got value abc/);
    assertInvalid(() => parseFilter('tags.k = 1', 'run'), /Expected a quoted string value for tag .*Got value 1/);
    assertInvalid(() => parseFilter(`metrics.m > '1'`, 'run'), /Expected numeric value type for metric. Found '1'/);
    assertInvalid(() => parseFilter(`metrics.m > NaN`, 'run'), /Expected numeric value type for metric. Found NaN/);
    assertInvalid(() => parseFilter(`attributes.end_time < 'now'`, 'run'), /numeric attribute: end_time/);
    assertInvalid(() => parseFilter(`attributes.status = ('A')`, 'run'), /Expected a quoted string value for attributes.*IN and NOT IN/);
    assertInvalid(() => parseFilter(`datasets.name = 3`, 'run'), /Expected a quoted string value for dataset attributes/);
  });
  test('a malformed IN list', () => {
    assertInvalid(() => parseFilter(`attributes.status IN 'A'`, 'run'), /Expected a parenthesised list of quoted strings after IN/);
    assertInvalid(() => parseFilter(`attributes.status IN ()`, 'run'), /got empty list/);
    assertInvalid(() => parseFilter(`attributes.status IN (1, 2)`, 'run'), /expected string value.*\(1, 2\)/);
    assertInvalid(() => parseFilter(`attributes.status IN ('a' 'b')`, 'run'), /ill-formed list/);
    assertInvalid(() => parseFilter(`attributes.status IN ('a',`, 'run'), /expected string value/);
  });
  test('OR is not part of the grammar', () => {
    assertInvalid(() => parseFilter(`metrics.a > 1 OR metrics.b > 1`, 'run'), /Invalid clause\(s\) in filter string: 'OR metrics.b > 1'.*Only AND is supported/);
    assertInvalid(() => parseFilter(`metrics.a > 1 or metrics.b > 1`, 'run'), /Only AND is supported/);
  });
  test('parentheses are not part of the grammar', () => {
    assertInvalid(() => parseFilter(`(metrics.a > 1)`, 'run'), /Invalid clause\(s\) in filter string: '\(metrics.a > 1\)'.*parentheses/);
    assertInvalid(() => parseFilter(`metrics.a > 1 AND (params.b = 'x')`, 'run'), /parentheses are not part/);
  });
  test('text after a complete clause', () => {
    assertInvalid(() => parseFilter(`metrics.a > 1 foo`, 'run'), /Invalid clause\(s\) in filter string: 'foo'. Expected AND or the end of the filter after 'metrics.a > 1'/);
    assertInvalid(() => parseFilter(`params.a = 'x' 'y'`, 'run'), /Invalid clause\(s\) in filter string: ''y''/);
    assertInvalid(() => parseFilter(`metrics.a > 1;`, 'run'), /Invalid clause\(s\) in filter string: ';'/);
  });
  test('an empty clause before, between or after AND', () => {
    assertInvalid(() => parseFilter(`AND metrics.a > 1`, 'run'), /empty clause before 'AND'/);
    assertInvalid(() => parseFilter(`metrics.a > 1 AND AND metrics.b > 1`, 'run'), /empty clause before 'AND'/);
    assertInvalid(() => parseFilter(`metrics.a > 1 AND`, 'run'), /empty clause after the final 'AND'/);
  });
  test('an incomplete clause', () => {
    assertInvalid(() => parseFilter(`metrics.a`, 'run'), /expected a comparator after 'metrics.a'/);
    assertInvalid(() => parseFilter(`metrics.a >`, 'run'), /expected a value after '>'/);
    assertInvalid(() => parseFilter(`metrics.a > AND params.b = 'x'`, 'run'), /expected a value after '>'/);
    assertInvalid(() => parseFilter(`metrics. > 1`, 'run'), /expected a key after '.'/);
    assertInvalid(() => parseFilter(`= 1`, 'run'), /Invalid clause\(s\) in filter string: '= 1'. Each clause must look like/);
    assertInvalid(() => parseFilter(`'lr' = 'x'`, 'run'), /Each clause must look like/);
  });
  test('an unquoted key with special characters, with a hint to quote it', () => {
    assertInvalid(() => parseFilter(`metrics.my-metric > 1`, 'run'), /keys with special characters must be quoted with backticks/);
    assertInvalid(() => parseFilter(`params.my key = 'x'`, 'run'), /Invalid comparator 'key'.*quote the key with backticks/);
    assertInvalid(() => parseFilter(`tags.mlflow."runName" = 'x'`, 'run'), /Quote the whole key/);
  });
  test('an unterminated quote', () => {
    assertInvalid(() => parseFilter(`params.a = 'x`, 'run'), /Unterminated quoted text starting at position 11/);
    assertInvalid(() => parseFilter('metrics.`a > 1', 'run'), /Unterminated quoted text/);
  });
});
