/**
 * Runs the real `lablog serve` CLI as a child process, for tests that need a separate
 * process: crash (SIGKILL) and restart, signals, the store lock, refused start-ups.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The `lablog` command of the `lablog` package (the agent workspace). */
export const CLI = join(dirname(createRequire(import.meta.url).resolve('lablog/package.json')), 'bin', 'lablog.js');

/** The node flags the command's shebang (`#!/usr/bin/env -S node …`) runs it with, so tests run it as users do. */
const NODE_FLAGS = (/^#!.*\bnode((?: --?[\w-]+(?:=\S+)?)*)/.exec(readFileSync(CLI, 'utf8').split('\n', 1)[0] ?? '')?.[1] ?? '').trim().split(/\s+/).filter(Boolean);

/** The command line that runs `lablog <args>` as users run it, for tests that start it through a shell. */
export function lablogCommand(args: readonly string[]): string[] {
  return [process.execPath, ...NODE_FLAGS, CLI, ...args];
}

/** A child agent process. */
export interface AgentProcess {
  child: ChildProcess;
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
}

// Agent processes still running when this process exits are killed with it, so a failed
// test or benchmark never leaves an agent behind.
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/** Starts `lablog <args>` and resolves once it printed its URL; rejects if it exits first. */
export function startAgentProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<AgentProcess> {
  const child = spawn(process.execPath, [...NODE_FLAGS, CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let out = '';
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /lablog agent on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, output: () => out, exited });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    exited.then((code) => reject(new Error(`agent exited (${code}) before it listened:\n${out}`)));
  });
}

/** Runs `lablog <args>` to completion; resolves with its exit code and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 10_000): Promise<{ code: number | string; output: string }> {
  const child = spawn(process.execPath, [...NODE_FLAGS, CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lablog ${args.join(' ')} did not exit within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal ?? -1, output });
    });
  });
}
