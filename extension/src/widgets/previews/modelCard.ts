/**
 * A logged model's `MLmodel` file as a card: its flavors (with their library versions), its
 * signature (inputs, outputs, params), how to load it in Python, and a Register button — what
 * a user opens a model folder for. The raw file follows the card.
 */
import { parse } from 'yaml';
import { el } from './dom.js';

/** What the card needs besides the file. */
export interface ModelCardContext {
  runId: string;
  /** The model's folder in the run's artifacts (`model`). */
  folder: string;
  /** Offered as "Register model" when given: registers a version from `source`. */
  register?: (source: string, suggestedName: string) => void;
}

interface MLmodel {
  artifact_path?: string;
  flavors?: Record<string, Record<string, unknown> | null>;
  signature?: { inputs?: string; outputs?: string; params?: string };
  model_id?: string;
  mlflow_version?: string;
  utc_time_created?: string;
  model_size_bytes?: number;
}

/** One column of a signature, as MLflow writes it (a JSON list in the YAML). */
interface SignatureColumn {
  name?: string;
  type?: string;
  /** MLflow writes `tensor-spec`. */
  'tensor-spec'?: { dtype?: string; shape?: number[] };
  /** MLflow 2.x: `required: false`; older: `optional: true`. */
  required?: boolean;
  optional?: boolean;
  default?: unknown;
}

/** The card for the text of an `MLmodel` file; null when it is not one MLflow wrote. */
export function modelCard(text: string, ctx: ModelCardContext): HTMLElement | null {
  let m: MLmodel;
  try {
    m = parse(text) as MLmodel;
  } catch {
    return null;
  }
  if (!m || typeof m !== 'object' || !m.flavors || typeof m.flavors !== 'object') return null;
  const card = el('section', 'll-model-card');
  card.append(el('h2', '', 'MLflow model'));

  const facts = el('dl', 'll-version-fields');
  const fact = (label: string, value: string | Node): void => {
    const dd = el('dd');
    dd.append(value);
    facts.append(el('dt', '', label), dd);
  };
  const flavors = Object.entries(m.flavors).map(([name, f]) => {
    const version = f && Object.entries(f).find(([k]) => k.endsWith('_version') && k !== 'python_version')?.[1];
    return version ? `${name} ${String(version)}` : name;
  });
  fact('Flavors', flavors.join(', '));
  if (m.model_id) fact('Model id', el('span', 'll-mono', m.model_id));
  if (m.mlflow_version) fact('Logged with', `mlflow ${m.mlflow_version}`);
  if (m.utc_time_created) fact('Created', `${m.utc_time_created} UTC`);
  card.append(facts);

  for (const [part, label] of [
    ['inputs', 'Inputs'],
    ['outputs', 'Outputs'],
    ['params', 'Params'],
  ] as const) {
    const cols = signatureColumns(m.signature?.[part]);
    if (!cols) continue;
    card.append(el('h3', '', `${label} (${cols.length})`), signatureTable(cols));
  }
  if (!m.signature) card.append(el('p', 'll-muted', 'No signature: log the model with input_example= or signature= to record its inputs and outputs.'));

  const source = m.model_id ? `models:/${m.model_id}` : `runs:/${ctx.runId}/${ctx.folder}`;
  card.append(el('h3', '', 'Load it'));
  const snippet = el('pre', 'll-code ll-model-usage', `import mlflow\n\nmodel = mlflow.pyfunc.load_model(${JSON.stringify(source)})\npredictions = model.predict(data)`);
  card.append(snippet);
  if (ctx.register) {
    const b = el('button', 'll-button ll-primary', 'Register model');
    b.type = 'button';
    b.dataset.action = 'register-model';
    b.addEventListener('click', () => ctx.register?.(source, ctx.folder.split('/').pop() || 'model'));
    card.append(b);
  }
  return card;
}

function signatureColumns(json: string | undefined): SignatureColumn[] | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v as SignatureColumn[]) : null;
  } catch {
    return null;
  }
}

function signatureTable(cols: SignatureColumn[]): HTMLElement {
  const table = el('table', 'll-table ll-signature-table');
  const head = el('tr');
  for (const h of ['Name', 'Type', 'Required']) head.append(el('th', '', h));
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  cols.forEach((c, i) => {
    const tr = el('tr');
    const spec = c['tensor-spec'];
    const type = c.type === 'tensor' && spec ? `tensor ${spec.dtype ?? ''} ${JSON.stringify(spec.shape ?? [])}` : (c.type ?? '');
    tr.append(el('td', 'll-mono', c.name ?? `#${i}`), el('td', 'll-mono', type), el('td', '', c.optional || c.required === false ? 'optional' : 'yes'));
    tbody.append(tr);
  });
  table.append(thead, tbody);
  return table;
}
