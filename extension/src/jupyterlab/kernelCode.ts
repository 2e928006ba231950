/**
 * The code the extension runs silently in a notebook's kernel when it starts or restarts: it
 * reports what the kernel runs on (for the run tags), and, once the agent has accepted the
 * session, points the kernel's tracking clients at it (MLFLOW_TRACKING_URI for Python's
 * mlflow, LABLOG_URL for the TS client). Both run with `silent` and `store_history: false`, so
 * they leave no history, no output and no execution count; they never raise, and define no
 * name in the user's namespace (each runs in a namespace of its own; the report is left on
 * `sys._lablog_info` for the `user_expressions` of the same request to read).
 */

/** What the link needs to know. */
export interface KernelLinkParams {
  /** `<agent>/nb/<session>`. */
  trackingUri: string;
  /** The agent's own URL (for the TS client's live channel). */
  agentUrl: string;
  sessionId: string;
  /** The agent's token, when it has one. */
  token: string;
}

/** Key libraries whose versions become run tags when present. */
export const KEY_LIBRARIES = ['numpy', 'pandas', 'scikit-learn', 'torch', 'tensorflow', 'jax', 'xgboost', 'lightgbm'];

/** The expression (for `user_expressions`) that reads the report back: base64 of a JSON object. */
export const PYTHON_REPORT_EXPRESSION = "getattr(__import__('sys'), '_lablog_info', '')";

/**
 * Python that points the kernel's clients at the agent's prefix for this session. Run only once
 * the agent has accepted the session, so a kernel whose agent is not running keeps logging
 * wherever it did before.
 */
export function pythonLinkCode(p: KernelLinkParams): string {
  const src = `
import os
os.environ['MLFLOW_TRACKING_URI'] = ${py(p.trackingUri)}
os.environ['LABLOG_URL'] = ${py(p.trackingUri)}
os.environ['LABLOG_AGENT_URL'] = ${py(p.agentUrl)}
os.environ['LABLOG_SESSION'] = ${py(p.sessionId)}
if ${py(p.token)}:
    os.environ['MLFLOW_TRACKING_TOKEN'] = ${py(p.token)}
    os.environ['LABLOG_TOKEN'] = ${py(p.token)}
`;
  return isolated(src);
}

/** Python that reports the kernel's environment on `sys._lablog_info` (read by PYTHON_REPORT_EXPRESSION). */
export function pythonReportCode(environment: boolean): string {
  const src = `
import os, sys
info = {'python': {'version': sys.version.split()[0], 'platform': '', 'hostname': '', 'pid': os.getpid(), 'libraries': {}}}
try:
    import platform, socket
    info['python']['implementation'] = platform.python_implementation()
    info['python']['platform'] = platform.platform()
    info['python']['hostname'] = socket.gethostname()
except Exception:
    pass
if ${environment ? 'True' : 'False'}:
    try:
        import importlib.metadata as md
        libs = {}
        for name in ${py(KEY_LIBRARIES)}:
            try:
                libs[name] = md.version(name)
            except Exception:
                pass
        info['python']['libraries'] = libs
        pkgs = set()
        for d in md.distributions():
            try:
                n = d.metadata['Name']
                if n:
                    pkgs.add(n + '==' + d.version)
            except Exception:
                pass
        info['packages'] = sorted(pkgs, key=str.lower)
    except Exception:
        pass
    try:
        import subprocess
        def git(*args):
            r = subprocess.run(['git', *args], cwd=os.getcwd(), capture_output=True, text=True, timeout=3)
            return r.stdout.strip() if r.returncode == 0 else None
        commit = git('rev-parse', 'HEAD')
        if commit:
            g = {'commit': commit, 'dirty': bool(git('status', '--porcelain'))}
            branch = git('rev-parse', '--abbrev-ref', 'HEAD')
            if branch and branch != 'HEAD':
                g['branch'] = branch
            remote = git('config', '--get', 'remote.origin.url')
            if remote:
                g['remote'] = remote
            info['git'] = g
    except Exception:
        pass
import json, base64
sys._lablog_info = base64.b64encode(json.dumps(info).encode()).decode()
`;
  return isolated(src);
}

/** One statement running `src` in a namespace of its own, swallowing any error. */
function isolated(src: string): string {
  return `try:\n    exec(compile(${py(src)}, '<lablog>', 'exec'), {'__name__': '__lablog__'})\nexcept BaseException:\n    pass\n`;
}

/** A Python literal for a string or a list of strings (JSON's syntax is valid Python for these). */
function py(v: string | string[]): string {
  return JSON.stringify(v);
}

/** What the Python link reports. */
export interface KernelReport {
  /** `pid`: the kernel's process, whose tree the agent samples for system metrics. */
  python?: { version: string; implementation?: string; platform: string; hostname: string; pid?: number; libraries: Record<string, string> };
  packages?: string[];
  git?: { commit: string; dirty: boolean; branch?: string; remote?: string };
}

/** Parses the `text/plain` repr of the report expression (a quoted base64 string); null when absent. */
export function parseReport(textPlain: string | undefined): KernelReport | null {
  if (!textPlain) return null;
  const b64 = textPlain.trim().replace(/^['"]|['"]$/g, '');
  if (!b64) return null;
  try {
    return JSON.parse(atob(b64)) as KernelReport;
  } catch {
    return null;
  }
}
