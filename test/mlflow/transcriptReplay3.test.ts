/**
 * The real MLflow 3.17.2 client talked to the real MLflow 3.17.2 server (SQLite store, artifacts
 * served); test/fixtures/mlflow3-transcripts holds what went over the wire, one scenario a file,
 * recorded by python/transcripts/record_mlflow3.py. Each scenario is replayed here against a fresh
 * lablog agent exactly as the 2.12 recordings are (transcriptReplay.test.ts): the same status, the
 * same error_code, the same fields, types, list lengths and values, up to ids and clocks. These
 * recordings keep artifact upload bodies, so uploads are replayed byte for byte.
 *
 * The differences lablog makes on purpose are listed below with their reason (the README's
 * "MLflow 3 transcripts" table): they are left out of the comparison of the exchanges named, and
 * reported as diagnostics; anything else in those exchanges must still match.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readScenarios } from '../support/transcriptExchange.js';
import { replaySuite, type Deviation } from '../support/transcriptSuite.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/mlflow3-transcripts/', import.meta.url));
const scenarios = await readScenarios(FIXTURES);

/** Where lablog answers otherwise on purpose (README, "MLflow 3 transcripts", says why). */
const DEVIATIONS: Deviation[] = [
  {
    exchange: /GET \/api\/2\.0\/mlflow\/experiments\/get(-by-name)?$/,
    problem: /^\$\.experiment\.workspace: missing \(recorded "default"\)$/,
    reason: 'no workspaces: the client reads a missing workspace as the default one',
  },
  {
    exchange: /GET \/api\/3\.0\/mlflow\/server-info$/,
    problem: /^\$\.(store_type|presigned_upload_(run|model)_id_supported|features_enabled\.gateway): /,
    reason: 'server-info says what lablog has: no SQL store class, no presigned uploads, no AI gateway',
  },
  {
    exchange: /GET \/api\/2\.0\/mlflow\/runs\/get$/,
    problem: /^\$\.run\.inputs\.model_inputs\[\d+\]\.model_id: expected /,
    reason: "model inputs come in model id order, as from MLflow's SQL store (its inputs table's key): the replay's ids are new, so that order differs from the recording's",
  },
  {
    exchange: /^m01_metrics_model_id_datasets#\d+ (GET|PATCH) \/api\/2\.0\/mlflow\/logged-models\/m-/,
    problem: /^\$\.model\.data\.metrics/,
    reason: "a logged model keeps its latest metric per key and dataset, MLflow every point",
  },
];

test('the MLflow 3 transcript fixtures are all there', () => {
  assert.deepEqual(
    scenarios.map((s) => s.name.slice(0, 3)),
    ['m01', 'm02', 'm03', 'm04', 'm05'],
  );
});

replaySuite(scenarios, 'MLflow 3 transcript', DEVIATIONS);
