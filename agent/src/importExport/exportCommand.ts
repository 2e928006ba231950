/**
 * `lablog export --run ID | --experiment ID [--format json|csv] [--out FILE] [--store DIR]`:
 * writes params, tags, latest metrics and full metric histories (layouts in exportFormats.ts).
 * It reads the store's files without taking the lock, so it works while the agent runs.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { runComparator } from '../search/orderBy.js';
import type { RunDoc } from '../store/records.js';
import { isPostgresUri } from '../store/openStores.js';
import { CommandFailure } from './CommandFailure.js';
import { CSV_HEADER, exportJson, runCsv } from './exportFormats.js';
import { runExport, type RunExport } from './runExport.js';
import { StoreSnapshot } from './storeSnapshot.js';

/** Help text of `lablog export`. */
export const EXPORT_HELP = `Usage: lablog export (--run ID | --experiment ID) [--format json|csv] [--out FILE] [--store DIR]

Writes a run, or every active run of an experiment: info, params, tags, the latest value of each
metric and every metric point. JSON is one object {"experiment", "runs": [...]}; CSV has the
columns run_id,kind,key,value,step,timestamp (kind: info, param, tag, latest_metric, metric).

  --run ID          the run to export
  --experiment ID   the experiment whose active runs to export
  --format F        json (default) or csv
  --out FILE        write to FILE instead of standard output
  --store DIR       lablog store (default ./.lablog, env LABLOG_STORE)
`;

/**
 * Runs `lablog export` with its arguments (after the word `export`).
 * @throws CommandFailure with the exit code to use (2 for wrong arguments, 1 for a missing store, run or experiment)
 */
export async function exportCommand(args: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        run: { type: 'string' },
        experiment: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        store: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new CommandFailure(`${(err as Error).message}\n\n${EXPORT_HELP}`, 2);
  }
  if (values.help) {
    process.stdout.write(EXPORT_HELP);
    return;
  }
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'csv') throw new CommandFailure(`--format must be json or csv, not '${format}'`, 2);
  if ((values.run === undefined) === (values.experiment === undefined)) throw new CommandFailure(`give either --run or --experiment\n\n${EXPORT_HELP}`, 2);
  if (isPostgresUri(values.store ?? process.env.LABLOG_STORE ?? '')) {
    // a database store is the team server's: its runs are not files to read or write here
    throw new CommandFailure('lablog export works on a store folder; a PostgreSQL store is not supported by it yet', 2);
  }
  const storeDir = resolve(values.store ?? process.env.LABLOG_STORE ?? '.lablog');
  const opened = await StoreSnapshot.open(storeDir);
  if (!opened) throw new CommandFailure(`no lablog store at ${storeDir}`, 1);
  const snapshot = opened;

  let docs: RunDoc[];
  if (values.run !== undefined) {
    const doc = await snapshot.run(values.run);
    if (!doc) throw new CommandFailure(`no run ${values.run} in ${storeDir}`, 1);
    docs = [doc];
  } else {
    if (!snapshot.experiment(values.experiment as string)) throw new CommandFailure(`no experiment ${values.experiment} in ${storeDir}`, 1);
    docs = (await snapshot.runsOf(values.experiment as string)).filter((d) => d.info.lifecycle_stage === 'active').sort(runComparator());
  }
  const experiment = snapshot.experiment(docs[0]?.info.experiment_id ?? (values.experiment as string));

  async function* chunks(): AsyncGenerator<string> {
    const runs: RunExport[] = [];
    if (format === 'csv') yield `${CSV_HEADER}\n`;
    for (const doc of docs) {
      const r = runExport(doc, await snapshot.metrics(doc.info.run_id));
      if (format === 'csv') yield runCsv(r);
      else runs.push(r);
    }
    if (format === 'json') yield exportJson(experiment, runs);
  }
  if (values.out) {
    try {
      await pipeline(Readable.from(chunks()), createWriteStream(resolve(values.out)));
    } catch (err) {
      throw new CommandFailure(`cannot write ${values.out}: ${(err as Error).message}`, 1);
    }
  } else {
    for await (const c of chunks()) if (!process.stdout.write(c)) await once(process.stdout, 'drain');
  }
}
