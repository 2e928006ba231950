/**
 * What to do when there is nothing to show yet: point MLflow (or the lablog client) at this
 * agent and start a run — with code to copy.
 */

/** A `<pre>` with a Copy button. */
function snippet(label: string, code: string): HTMLElement {
  const box = document.createElement('div');
  box.className = 'll-snippet';
  const head = document.createElement('div');
  head.className = 'll-snippet-head';
  const title = document.createElement('span');
  title.textContent = label;
  const copy = document.createElement('button');
  copy.type = 'button';
  copy.className = 'll-button ll-copy';
  copy.textContent = 'Copy';
  copy.setAttribute('aria-label', `Copy ${label}`);
  copy.addEventListener('click', () => {
    navigator.clipboard.writeText(code).then(
      () => (copy.textContent = 'Copied'),
      // no clipboard access (an insecure origin, a denied permission): select the text instead
      () => getSelection()?.selectAllChildren(pre),
    );
  });
  head.append(title, copy);
  const pre = document.createElement('pre');
  pre.className = 'll-code';
  pre.textContent = code;
  box.append(head, pre);
  return box;
}

function paragraph(text: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.textContent = text;
  return p;
}

/** A Python literal for a name. */
function py(s: string): string {
  return JSON.stringify(s);
}

/** A TypeScript string literal for a name. */
function ts(s: string): string {
  return `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/**
 * How to log the first run to the agent at `url`.
 * @param experiment the experiment name the examples log to (default `quickstart`)
 * @param title the heading
 */
export function gettingStarted(url: string, title: string, experiment = 'quickstart'): HTMLElement {
  const box = document.createElement('div');
  box.className = 'll-empty ll-getting-started';
  const h = document.createElement('h2');
  h.textContent = title;
  box.append(
    h,
    paragraph('Point MLflow at this agent, then log a run from Python or TypeScript; it shows up here while it runs.'),
    snippet('Shell', `export MLFLOW_TRACKING_URI=${url}`),
    snippet(
      'Python (mlflow)',
      `import mlflow\nmlflow.set_experiment(${py(experiment)})\nwith mlflow.start_run():\n    mlflow.log_metric("loss", 0.42)`,
    ),
    snippet(
      'TypeScript (lablog client, reads MLFLOW_TRACKING_URI)',
      `import { Lablog } from 'lablog/client';\n\nconst lablog = new Lablog();\nconst run = await lablog.startRun({ experiment: ${ts(experiment)} });\nrun.logMetric('loss', 0.42);\nawait run.endRun();\nawait lablog.close();`,
    ),
  );
  return box;
}
