/**
 * `lablog import <mlruns-dir> [--store DIR]`: reads an MLflow file store into the lablog store,
 * with a progress bar on a terminal and a summary at the end.
 * Exit codes: 0 imported (problems listed, if any), 1 the store is in use or cannot be opened,
 * 2 the folder is not an MLflow file store or the arguments are wrong.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MlflowError } from '../errors.js';
import { FileStore } from '../store/FileStore.js';
import { isPostgresUri } from '../store/openStores.js';
import { CommandFailure } from './CommandFailure.js';
import { importMlruns, type ImportSummary } from './importMlruns.js';
import { NotAnMlflowStore, scanMlruns } from './mlrunsStore.js';
import { ProgressBar } from './progressBar.js';

/** Help text of `lablog import`. */
export const IMPORT_HELP = `Usage: lablog import <mlruns-dir> [--store DIR]

Reads an MLflow file store (the ./mlruns folder MLflow writes with a file: tracking URI) into the
lablog store: experiments, runs with params, tags, metric histories, dataset inputs and artifact
files, and the model registry with its versions, stages, tags and aliases. Running it again adds
only what is new. The agent must not be running on the store meanwhile.

  --store DIR   lablog store (default ./.lablog, env LABLOG_STORE)
`;

const MAX_PROBLEMS_SHOWN = 20;

function both(n: { created?: number; imported?: number; existing: number }): string {
  return `${n.created ?? n.imported ?? 0} new, ${n.existing} already there`;
}

/** The summary printed at the end of an import. */
export function formatSummary(from: string, to: string, s: ImportSummary): string {
  const rows: Array<[string, string | number]> = [
    ['experiments', both(s.experiments)],
    ['runs', both(s.runs)],
    ['metric points', s.metricPoints],
    ['params', s.params],
    ['tags', s.tags],
    ['dataset inputs', s.datasetInputs],
    ['artifact files', s.artifactFiles],
    ['models', both(s.models)],
    ['model versions', both(s.versions)],
    ['aliases', s.aliases],
  ];
  let out = `Imported ${from} into ${to}\n${rows.map(([k, v]) => `  ${k.padEnd(15)} ${v}`).join('\n')}\n`;
  if (s.problems.length > 0) {
    out += `  skipped        ${s.problems.length} item(s) that could not be read:\n`;
    out += s.problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => `    ${p}\n`).join('');
    if (s.problems.length > MAX_PROBLEMS_SHOWN) out += `    … and ${s.problems.length - MAX_PROBLEMS_SHOWN} more\n`;
  }
  return out;
}

/**
 * Runs `lablog import` with its arguments (after the word `import`).
 * @throws CommandFailure with the exit code to use
 */
export async function importCommand(args: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { store: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CommandFailure(`${(err as Error).message}\n\n${IMPORT_HELP}`, 2);
  }
  if (parsed.values.help) {
    process.stdout.write(IMPORT_HELP);
    return;
  }
  if (parsed.positionals.length !== 1) throw new CommandFailure(`import takes one folder, the MLflow store\n\n${IMPORT_HELP}`, 2);
  const from = resolve(parsed.positionals[0] as string);
  if (isPostgresUri(parsed.values.store ?? process.env.LABLOG_STORE ?? '')) {
    // a database store is the team server's: its runs are not files to read or write here
    throw new CommandFailure('lablog import works on a store folder; a PostgreSQL store is not supported by it yet', 2);
  }
  const to = resolve(parsed.values.store ?? process.env.LABLOG_STORE ?? '.lablog');

  let layout;
  try {
    layout = await scanMlruns(from);
  } catch (err) {
    if (err instanceof NotAnMlflowStore) throw new CommandFailure(err.message, 2);
    throw err;
  }
  let store: FileStore;
  try {
    store = await FileStore.open(to);
  } catch (err) {
    if (err instanceof MlflowError) throw new CommandFailure(`cannot import while ${err.message}`, 1);
    throw err;
  }
  const bar = new ProgressBar(process.stderr);
  try {
    const summary = await importMlruns(store, layout, (done, total, what) => bar.update(done, total, what));
    bar.clear();
    process.stdout.write(formatSummary(from, to, summary));
  } finally {
    bar.clear();
    await store.close();
  }
}
