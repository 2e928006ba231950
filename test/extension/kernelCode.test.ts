/**
 * The code the extension runs silently in a Python kernel, run here in a real Python
 * (Debian's /usr/bin/python3): it sets the tracking variables, reports the environment, prints
 * nothing, leaves no name in the user's namespace and never raises, even when things fail.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

interface KernelCodeModule {
  pythonLinkCode(p: { trackingUri: string; agentUrl: string; sessionId: string; token: string }): string;
  pythonReportCode(environment: boolean): string;
  parseReport(text: string | undefined): { python?: { version: string; platform: string; hostname: string; pid?: number; libraries: Record<string, string> }; packages?: string[]; git?: { commit: string; dirty: boolean } } | null;
  PYTHON_REPORT_EXPRESSION: string;
}

const mod = (await import(pathToFileURL(join(import.meta.dirname, '..', '..', '..', 'extension', 'lib', 'jupyterlab', 'kernelCode.js')).href)) as KernelCodeModule;

/** Runs `code` the way a kernel would (exec in a user namespace), then prints what the test needs. */
function runPython(code: string, after: string, cwd = process.cwd()): string {
  const driver = `
ns = {'__name__': '__main__'}
before = set(ns)
exec(compile(${JSON.stringify(code)}, '<cell>', 'exec'), ns)
import os
${after}
print('NEW_NAMES=' + ','.join(sorted(set(ns) - before - {'__builtins__'})))
`;
  return execFileSync('/usr/bin/python3', ['-c', driver], { encoding: 'utf8', cwd });
}

test('the link sets MLFLOW_TRACKING_URI and LABLOG_* in the kernel, prints nothing, defines nothing', () => {
  const code = mod.pythonLinkCode({ trackingUri: 'http://127.0.0.1:5454/nb/s1', agentUrl: 'http://127.0.0.1:5454', sessionId: 's1', token: "t'k\"n" });
  const out = runPython(code, "print('URI=' + os.environ['MLFLOW_TRACKING_URI']); print('TOKEN=' + os.environ['MLFLOW_TRACKING_TOKEN']); print('SESSION=' + os.environ['LABLOG_SESSION'])");
  assert.equal(out, 'URI=http://127.0.0.1:5454/nb/s1\nTOKEN=t\'k"n\nSESSION=s1\nNEW_NAMES=\n');
});

test('the report gives interpreter, platform, libraries, packages and git; nothing printed or defined', () => {
  const repo = join(import.meta.dirname, '..', '..', '..');
  const out = runPython(mod.pythonReportCode(true), `print('REPORT=' + repr(eval(${JSON.stringify(mod.PYTHON_REPORT_EXPRESSION)}, ns)))`, repo);
  const lines = out.trim().split('\n');
  assert.equal(lines.length, 2, out);
  assert.equal(lines[1], 'NEW_NAMES=');
  const report = mod.parseReport(lines[0]!.slice('REPORT='.length));
  assert.ok(report?.python, out);
  assert.match(report.python.version, /^3\.\d+\.\d+/);
  assert.ok(report.python.platform.length > 0 && report.python.hostname.length > 0);
  assert.ok(Number.isInteger(report.python.pid) && report.python.pid! > 1, 'the kernel names its process (system metrics sample its tree)');
  assert.ok(report.packages && report.packages.length > 5 && report.packages.every((p) => p.includes('==')));
  if (report.python.libraries.numpy !== undefined) assert.match(report.python.libraries.numpy, /^\d/);
  // this repository is a git checkout in development and CI
  if (report.git) assert.match(report.git.commit, /^[0-9a-f]{40}$/);
});

test('outside a repository there is no git; with environment off, no packages', () => {
  const out = runPython(mod.pythonReportCode(false), `print('REPORT=' + repr(eval(${JSON.stringify(mod.PYTHON_REPORT_EXPRESSION)}, ns)))`, '/');
  const report = mod.parseReport(out.split('\n')[0]!.slice('REPORT='.length));
  assert.ok(report?.python);
  assert.equal(report.git, undefined);
  assert.equal(report.packages, undefined);
});

test('the injected code never raises, even when its imports fail', () => {
  // a user module shadowing `subprocess` and a broken `platform` must not surface
  const code = `import sys, types\nsys.modules['platform'] = types.ModuleType('platform')\n` + mod.pythonReportCode(true);
  const out = runPython(code, "print('OK')");
  assert.match(out, /^OK\n/);
});
