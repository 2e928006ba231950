/**
 * What a viewer's filter box adds to MLflow's grammar, decided here once for every viewer:
 * plain words are a name search (as MLflow's UI does), and the comparator error MLflow gives
 * for `params.lr < 0.01` comes with the reason — params and tags are strings.
 */
import type { FilterCheckReply } from '@lablog/schema';
import { MlflowError } from '../errors.js';
import { parseFilter } from './filterParser.js';
import type { SearchKind } from './identifiers.js';

/** The attribute a plain-words search looks in, per search. */
const NAME_ATTRIBUTE: Record<SearchKind, string> = {
  run: 'attributes.run_name',
  experiment: 'name',
  registered_model: 'name',
  model_version: 'name',
  logged_model: 'name',
};

/**
 * No comparator, quote, operator word or entity prefix: words a user typed to find something by
 * name. (`metrics.val_loss` alone is a filter missing its comparison, and is told so.)
 */
function isPlainWords(text: string): boolean {
  return (
    text !== '' &&
    !/[=<>!'"`()]/.test(text) &&
    !/\s(like|ilike|in|and|or|not)\s/i.test(` ${text} `) &&
    !/^(metrics?|params?|tags?|attributes?|attr|run|datasets?)\./i.test(text)
  );
}

/** A param or tag compared like a number: MLflow refuses it without saying why. */
const STRING_COMPARED_AS_NUMBER = /\b(params?|tags?)\.(\S+?|`[^`]*`|"[^"]*")\s*(<=|>=|<|>)/i;

/** Why MLflow refused a filter, where its own message does not say. */
function hintFor(text: string): string | undefined {
  const m = STRING_COMPARED_AS_NUMBER.exec(text);
  if (!m) return undefined;
  return (
    `${m[1]!.toLowerCase().startsWith('param') ? 'Params' : 'Tags'} are strings in MLflow: compare them with =, !=, LIKE or ILIKE and a quoted value, ` +
    `e.g. ${m[1]}.${m[2]} = '0.01'. To filter by a number, log it as a metric (metrics.<key> ${m[3]} 0.01).`
  );
}

/**
 * Checks a filter typed into a viewer.
 * @returns valid, with the filter to run: the text as typed when MLflow's grammar takes it, or a
 *   case-insensitive name search (and a note saying so) when it is plain words; or invalid, with
 *   the error the search would give and, where MLflow's message leaves the reason out, a hint
 */
export function checkViewerFilter(text: string, kind: SearchKind): FilterCheckReply {
  try {
    const clauses = parseFilter(text, kind);
    const keys = clauses.flatMap((c) => (c.entity === 'metric' || c.entity === 'param' || c.entity === 'tag' ? [{ entity: c.entity, key: c.key }] : []));
    return { valid: true, filter: text, ...(keys.length ? { keys } : {}) };
  } catch (err) {
    if (!(err instanceof MlflowError)) throw err;
    const words = text.trim();
    if (isPlainWords(words)) return { valid: true, filter: `${NAME_ATTRIBUTE[kind]} ILIKE '%${words}%'`, note: `Not a filter: searching names for “${words}”.` };
    const hint = hintFor(text);
    return { valid: false, error_code: err.code, message: err.message, ...(hint ? { hint } : {}) };
  }
}
