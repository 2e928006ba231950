/**
 * The MLflow file store written by the real MLflow 2.12.2 client, kept as test data in
 * test/fixtures/mlruns-sample (its README.md says what is in it), and the ids it holds.
 */
import { fileURLToPath } from 'node:url';

/** The sample store's folder. */
export const SAMPLE = fileURLToPath(new URL('../../fixtures/mlruns-sample/', import.meta.url));
/** A hand-made folder that is not an MLflow store (test/fixtures/mlruns-malformed). */
export const MALFORMED = fileURLToPath(new URL('../../fixtures/mlruns-malformed/', import.meta.url));

/** Experiment `iris-notebook`: the sweep and its two nested runs. */
export const IRIS = '869209360342270059';
/** Experiment `regression`: linreg (dataset, model), crashed (FAILED), deleted-run. */
export const REGRESSION = '192224021055422720';

/** The sample's runs by name. */
export const RUNS = {
  sweep: '9d647543c0724e6d8c90c3f7764a0fe1',
  depth2: '9a8434afd32e4addb9405505cfc4b116',
  depth4: '7387565c66284518b5b1d9b521d21056',
  linreg: 'c5564fd48267444fbfbb41628833a0c7',
  crashed: 'b662862fdfe2446ba8747aed1719cd76',
  deleted: '7b3de4d5c5de4bde9a99b38fd6946511',
} as const;
