/**
 * One agent per store, held by the operating system: whatever a dead agent left (a lock file
 * naming a pid that now belongs to someone else, pid 1 in a container, a zombie not reaped yet),
 * the next agent starts; of agents started at the same moment exactly one gets the store.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { lablogCommand, startAgentProcess, type AgentProcess } from '../support/agentProcess.js';

async function newStore(t: string): Promise<string> {
  const store = await mkdtemp(join(tmpdir(), `lablog-${t}-`));
  after(() => rm(store, { recursive: true, force: true }));
  return store;
}

async function stop(agent: AgentProcess): Promise<void> {
  agent.child.kill('SIGTERM');
  assert.equal(await agent.exited, 0);
}

/** Starts an agent, checks it serves, stops it. */
async function startsAndServes(store: string): Promise<void> {
  const agent = await startAgentProcess(['serve', '--port', '0', '--store', store]);
  try {
    assert.equal((await fetch(`${agent.url}/health`)).status, 200);
  } finally {
    await stop(agent);
  }
}

test('(a) a lock file naming the pid of an unrelated live process (after a reboot) does not stop the agent', async () => {
  const store = await newStore('lock-reboot');
  const unrelated = spawn('sleep', ['30']);
  after(() => unrelated.kill('SIGKILL'));
  await writeFile(join(store, 'agent.lock'), String(unrelated.pid));
  await startsAndServes(store);
});

test('(b) a lock file naming pid 1 (an agent that was pid 1 in a container) does not stop the agent', async () => {
  const store = await newStore('lock-pid1');
  await writeFile(join(store, 'agent.lock'), '1');
  await startsAndServes(store);
});

test('(c) an agent killed with SIGKILL and not reaped yet (a zombie) does not hold the store', async () => {
  const store = await newStore('lock-zombie');
  // the shell starts the agent in the background, then becomes `sleep`, which never reaps it
  const cmd = lablogCommand(['serve', '--port', '0', '--store', store]).map((a) => `'${a}'`).join(' ');
  const parent = spawn('sh', ['-c', `${cmd} > ${store}.out 2>&1 & echo $!; exec sleep 60`], { stdio: ['ignore', 'pipe', 'inherit'] });
  after(() => {
    parent.kill('SIGKILL');
    return rm(`${store}.out`, { force: true });
  });
  const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (c: Buffer) => resolve(c.toString().trim()))));
  for (let i = 0; i < 200 && !/lablog agent on/.test(await readFile(`${store}.out`, 'utf8').catch(() => '')); i++) await new Promise((r) => setTimeout(r, 50));
  assert.match(await readFile(`${store}.out`, 'utf8'), /lablog agent on/);
  process.kill(pid, 'SIGKILL');
  let state = '';
  for (let i = 0; i < 100 && state !== 'Z'; i++) {
    await new Promise((r) => setTimeout(r, 20));
    state = (await readFile(`/proc/${pid}/stat`, 'utf8')).replace(/^.*\) /s, '').charAt(0);
  }
  assert.equal(state, 'Z', 'the killed agent is a zombie, not reaped');
  await startsAndServes(store);
});

// A process that takes the lock at an agreed instant, says whether it got it, and holds it until
// its standard input closes (so a slow start cannot find the lock already given back).
const CONTENDER = `
const { acquireStoreLock } = await import(process.argv[1]);
const at = Number(process.argv[3]);
while (Date.now() < at) {}
try {
  const lock = await acquireStoreLock(process.argv[2]);
  process.stdout.write('got');
  process.stdin.on('end', () => lock.release());
  process.stdin.resume();
} catch (err) {
  process.stdout.write(/in use/.test(String(err.message)) ? 'refused' : 'error ' + err.message);
}
`;

/** Starts a contender; resolves with what it says, and a function that lets it go. */
function contend(store: string, at: number): Promise<{ said: string; letGo(): Promise<void> }> {
  const lockModule = new URL('../../../agent/dist/store/storeLock.js', import.meta.url).href;
  const child = spawn(process.execPath, ['--input-type=module', '-e', CONTENDER, lockModule, store, String(at)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const letGo = (): Promise<void> => {
    child.stdin.end();
    return exited;
  };
  return new Promise((resolve) => child.stdout.once('data', (c: Buffer) => resolve({ said: c.toString(), letGo })));
}

test('(d) of two agents taking a store with a stale lock at the same moment, exactly one gets it (20 races)', async () => {
  for (let round = 0; round < 20; round++) {
    const store = await newStore('lock-race');
    await writeFile(join(store, 'agent.lock'), '999999');
    await mkdir(join(store, 'meta'), { recursive: true });
    const at = Date.now() + 300;
    const contenders = await Promise.all([contend(store, at), contend(store, at)]);
    await Promise.all(contenders.map((c) => c.letGo()));
    assert.deepEqual(contenders.map((c) => c.said).sort(), ['got', 'refused'], `round ${round}`);
  }
});

test('a live agent holding the store is named in the refusal, and a stopped one frees it at once', async () => {
  const store = await newStore('lock-live');
  const first = await startAgentProcess(['serve', '--port', '0', '--store', store]);
  const second = await startAgentProcess(['serve', '--port', '0', '--store', store]).catch((err: Error) => err);
  assert.ok(second instanceof Error);
  assert.match(second.message, new RegExp(`in use by the lablog agent with pid ${first.child.pid} at ${first.url.replaceAll('.', '\\.')}`));
  first.child.kill('SIGKILL');
  await first.exited;
  await startsAndServes(store);
});
