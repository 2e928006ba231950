/**
 * An agent for a test: in this process, on a free port, over a store folder of its own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, type Agent, type AgentOptions } from 'lablog';

/** A running test agent. */
export interface StartedAgent {
  /** Base URL, `http://127.0.0.1:PORT`. */
  url: string;
  /** The agent itself (its Fastify app and store, for tests that look inside). */
  agent: Agent;
  /** The temporary store folder; removed by `close`. */
  storeDir: string;
  /** Closes the agent and removes its store folder. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts an agent on port 0 with a fresh store in a new `lablog-test-*` temp folder.
 * Call `close()` when done (e.g. in `after` or `t.after`); it always removes the folder.
 * @param options agent options other than `store` (default: none)
 * @throws whatever `createAgent` or `listen` throws; the temp folder is removed first
 */
export async function startAgent(options: Omit<AgentOptions, 'store'> = {}): Promise<StartedAgent> {
  const storeDir = await mkdtemp(join(tmpdir(), 'lablog-test-'));
  let agent: Agent | undefined;
  try {
    agent = await createAgent({ ...options, store: storeDir });
    const url = await agent.listen(0);
    let closing: Promise<void> | undefined;
    const started = agent;
    return {
      url,
      agent: started,
      storeDir,
      close() {
        closing ??= started.close().finally(() => rm(storeDir, { recursive: true, force: true }));
        return closing;
      },
    };
  } catch (err) {
    await agent?.close().catch(() => {});
    await rm(storeDir, { recursive: true, force: true });
    throw err;
  }
}
