/**
 * `<store>/agent.json`: written by an agent once it listens, removed when it stops. It lets a
 * Jupyter server find the agent already running on a store (and reuse it rather than start a
 * second one), and tells the proxy the secret that marks the requests it forwards. The store
 * is private to its owner (0700), and the file is written 0600.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurably } from '../store/durableWrite.js';

/** The file's name in the store. */
export const AGENT_FILE = 'agent.json';

/** What the file holds. */
export interface AgentFile {
  /** The agent's URL, e.g. `http://127.0.0.1:5454`. */
  url: string;
  /** The agent's process id. */
  pid: number;
  version: string;
  /** The value of the `x-lablog-proxy` header that marks requests forwarded by the Jupyter server. */
  proxy_secret: string;
}

/** A fresh proxy secret (32 random bytes, hex). */
export function newProxySecret(): string {
  return randomBytes(32).toString('hex');
}

/** Writes the file atomically and durably, readable by the owner only. */
export function writeAgentFile(store: string, info: AgentFile): Promise<void> {
  return writeFileDurably(join(store, AGENT_FILE), `${JSON.stringify(info, null, 2)}\n`);
}

/** Reads the file; null when it is absent or unreadable (expected when no agent ran there). */
export async function readAgentFile(store: string): Promise<AgentFile | null> {
  try {
    const v = JSON.parse(await readFile(join(store, AGENT_FILE), 'utf8')) as Partial<AgentFile>;
    return typeof v.url === 'string' && typeof v.pid === 'number' ? { url: v.url, pid: v.pid, version: String(v.version ?? ''), proxy_secret: String(v.proxy_secret ?? '') } : null;
  } catch {
    return null;
  }
}

/** Removes the file if it is still this process's (a newer agent may have replaced it). */
export async function removeAgentFile(store: string, pid = process.pid): Promise<void> {
  if ((await readAgentFile(store))?.pid === pid) await rm(join(store, AGENT_FILE), { force: true });
}

/**
 * The agent running on the store, if any: the file names a live process whose URL answers
 * `/health`. A file left by a crashed agent is ignored.
 */
export async function liveAgent(store: string, timeoutMs = 1500): Promise<AgentFile | null> {
  const info = await readAgentFile(store);
  if (!info || info.pid === process.pid) return null;
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    // EPERM: alive but another user's; anything else: gone
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  try {
    const res = await fetch(`${info.url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.headers.get('x-lablog-version') ? info : null;
  } catch {
    return null;
  }
}
