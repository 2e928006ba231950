/**
 * A `lablog` launcher that serves a PostgreSQL database instead of the store folder it is given:
 * `node lablogOnDatabase.js serve … --store DIR` runs `lablog serve … --store $LABLOG_TEST_DATABASE
 * --files DIR`. Suites that start the agent themselves with a folder (python/e2e, through
 * LABLOG_AGENT_JS) run against PostgreSQL this way, unchanged.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const database = process.env.LABLOG_TEST_DATABASE;
if (!database) throw new Error('lablogOnDatabase: LABLOG_TEST_DATABASE is not set');
const at = process.argv.indexOf('--store');
if (at >= 0) process.argv.splice(at, 2, '--store', database, '--files', process.argv[at + 1]!);
const cli = join(dirname(createRequire(import.meta.url).resolve('lablog/package.json')), 'dist', 'cli.js');
await import(pathToFileURL(cli).href);
