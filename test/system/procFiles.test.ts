/**
 * The /proc readers on this machine's real /proc: a process tree found through the threads'
 * `children` files is the one a scan of every process finds; the stat line of a process whose
 * name holds spaces and parentheses parses; the host's counters read as numbers.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseCpuTimes, parseMemInfo, parseNetDev, parseProcStat, processTree, readHostCounters, readProcessTable, readProcessTree, readRss } from 'lablog/system';

test('a tree followed through children files is the tree a full scan finds', async (t) => {
  // a parent with two children, one of which has a child of its own
  const code = "const {spawn} = require('child_process'); const s = (c) => spawn(process.execPath, ['-e', c], {stdio: 'ignore'}); s(\"require('child_process').spawn('sleep', ['60'], {stdio: 'ignore'}); setInterval(() => {}, 1000)\"); s('setInterval(() => {}, 1000)'); setInterval(() => {}, 1000);";
  const root = spawn(process.execPath, ['-e', code], { stdio: 'ignore', detached: true });
  t.after(() => {
    try {
      process.kill(-root.pid!, 'SIGKILL'); // the whole group, whatever the test reached
    } catch {
      // already gone
    }
  });
  let tree = (await readProcessTree(root.pid!)) ?? [];
  for (let i = 0; i < 100 && tree.length < 4; i++) {
    await sleep(50);
    tree = (await readProcessTree(root.pid!)) ?? [];
  }
  const scanned = processTree(await readProcessTable(), root.pid!);
  assert.equal(tree.length, 4);
  assert.deepEqual(tree.map((e) => e.pid).sort(), scanned.map((e) => e.pid).sort());
  assert.equal(tree[0]!.pid, root.pid);
  assert.ok(tree.every((e) => e.threads >= 1 && e.cpuTicks >= 0));
  assert.ok((await readRss(root.pid!))! > 1_000_000, 'a node process holds megabytes');
  for (const e of tree) process.kill(e.pid, 'SIGKILL');
  await sleep(100);
  assert.equal(await readProcessTree(root.pid!), null, 'a process that is gone has no tree');
});

test('stat lines, /proc/stat, meminfo and net/dev parse; the host reads as numbers', async () => {
  const line = '4242 (my (odd) name) S 1 4242 4242 0 -1 4194304 500 0 0 0 150 25 0 0 20 0 7 0 123456 1000000 2500 18446744073709551615';
  assert.deepEqual(parseProcStat(line), { pid: 4242, ppid: 1, cpuTicks: 175, threads: 7 });
  assert.deepEqual(parseCpuTimes('cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3 4 5\n'), { total: 1000, idle: 850 });
  assert.deepEqual(parseMemInfo('MemTotal:  1000 kB\nMemFree: 100 kB\nMemAvailable:  400 kB\n'), { total: 1024000, used: 614400 });
  const dev = 'Inter-|   Receive\n face |bytes packets\n    lo: 999 1 0 0 0 0 0 0 999 1 0 0 0 0 0 0\n  eth0: 1000 10 0 0 0 0 0 0 2000 20 0 0 0 0 0 0\n';
  assert.deepEqual(parseNetDev(dev), { received: 1000, sent: 2000 }, 'loopback is not the network');
  const host = await readHostCounters(new Set());
  assert.ok(host.cpu && host.cpu.total > host.cpu.idle);
  assert.ok(host.memory && host.memory.total > host.memory.used && host.memory.used > 0);
  assert.ok(host.fs && host.fs.used > 0 && host.fs.free >= 0);
  assert.ok(host.net && host.net.received >= 0);
});
