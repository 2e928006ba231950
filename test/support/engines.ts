/**
 * The tracking store engines a contract test runs against, each started for real: the file
 * store in a temp folder, and PostgreSQL in a fresh database (see postgres.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, type Agent, type AgentOptions } from 'lablog';
import { dropDatabase, freshDatabase, postgresMissing } from './postgres.js';
import type { StartedAgent } from './startAgent.js';

/** The engines, by the scheme that selects them. */
export const ENGINES = ['file', 'postgresql'] as const;
export type Engine = (typeof ENGINES)[number];

/** Why an engine cannot run here (the test skips, saying so), or undefined when it can. */
export async function engineMissing(engine: Engine): Promise<string | undefined> {
  if (engine === 'file') return undefined;
  const why = await postgresMissing();
  // CI installs PostgreSQL: there, a missing server fails instead of skipping
  if (why && process.env.LABLOG_REQUIRE_PG) throw new Error(why);
  return why ?? undefined;
}

/** An agent on `engine`: `store` is its store URI (a folder or a database). */
export interface EngineAgent extends StartedAgent {
  store: string;
}

/**
 * Starts an agent on port 0 over a fresh store of `engine` (with PostgreSQL, `database` reuses
 * one, so that several agents share it). `close` removes what it made.
 */
export async function startEngineAgent(engine: Engine, options: Omit<AgentOptions, 'store' | 'files'> = {}, database?: string): Promise<EngineAgent> {
  const storeDir = await mkdtemp(join(tmpdir(), 'lablog-test-'));
  const store = engine === 'file' ? storeDir : (database ?? (await freshDatabase()));
  let agent: Agent | undefined;
  try {
    agent = await createAgent({ ...options, store, files: storeDir });
    const url = await agent.listen(0);
    const started = agent;
    let closing: Promise<void> | undefined;
    return {
      url,
      agent: started,
      storeDir,
      store,
      close() {
        closing ??= started
          .close()
          .then(() => (engine === 'postgresql' && !database ? dropDatabase(store) : undefined))
          .finally(() => rm(storeDir, { recursive: true, force: true }));
        return closing;
      },
    };
  } catch (err) {
    await agent?.close().catch(() => {});
    await rm(storeDir, { recursive: true, force: true });
    if (engine === 'postgresql' && !database) await dropDatabase(store).catch(() => {});
    throw err;
  }
}
