/**
 * Parser of MLflow's search filter grammar (`SearchUtils.parse_search_filter`):
 * clauses `<entity>.<key> <comparator> <value>` joined by AND. OR and parentheses are not
 * part of the grammar and are rejected with a 400 that says so.
 */
import { invalidParameter } from '../errors.js';
import {
  pySet,
  resolveIdentifier,
  type DatasetKey,
  type ExperimentNumericAttribute,
  type LoggedModelNumericAttribute,
  type LoggedModelStringAttribute,
  type ModelVersionStringAttribute,
  type Resolved,
  type RunNumericAttribute,
  type RunStringAttribute,
  type SearchKind,
} from './identifiers.js';
import { keywordOf, tokenize, type Token } from './lexer.js';

/** Comparators for numbers: metrics and numeric attributes. */
export type NumericOp = '>' | '>=' | '<' | '<=' | '=' | '!=';
/** Comparators for one string. */
export type StringOp = '=' | '!=' | 'LIKE' | 'ILIKE';
/** Comparators for a list of strings. */
export type ListOp = 'IN' | 'NOT IN';

/** `<lhs> <op> <number>`. */
export interface NumberTest {
  type: 'number';
  op: NumericOp;
  value: number;
}
/** `<lhs> <op> '<string>'`. */
export interface StringTest {
  type: 'string';
  op: StringOp;
  value: string;
}
/** `<lhs> IN ('a', 'b')` or `NOT IN`. */
export interface ListTest {
  type: 'list';
  op: ListOp;
  values: string[];
}

/** One parsed clause of a runs filter. Attribute keys are canonical (`created` → `start_time`). */
export type RunClause =
  | { entity: 'metric'; key: string; test: NumberTest }
  | { entity: 'param' | 'tag'; key: string; test: StringTest }
  | { entity: 'attribute'; key: RunStringAttribute; test: StringTest | ListTest }
  | { entity: 'attribute'; key: RunNumericAttribute; test: NumberTest }
  | { entity: 'dataset'; key: DatasetKey; test: StringTest | ListTest };

/** One parsed clause of an experiments filter. */
export type ExperimentClause =
  | { entity: 'tag'; key: string; test: StringTest }
  | { entity: 'attribute'; key: 'name'; test: StringTest }
  | { entity: 'attribute'; key: ExperimentNumericAttribute; test: NumberTest };

/** One parsed clause of a registered-models filter. */
export type RegisteredModelClause =
  | { entity: 'tag'; key: string; test: StringTest }
  | { entity: 'attribute'; key: 'name'; test: StringTest };

/** One parsed clause of a model-versions filter; only `run_id` takes IN lists. */
export type ModelVersionClause =
  | { entity: 'tag'; key: string; test: StringTest }
  | { entity: 'attribute'; key: ModelVersionStringAttribute; test: StringTest | ListTest }
  | { entity: 'attribute'; key: 'version_number'; test: NumberTest };

/** One parsed clause of a logged-models filter (MLflow 3). Attribute keys are canonical (`creation_time` → `creation_timestamp`). */
export type LoggedModelClause =
  | { entity: 'metric'; key: string; test: NumberTest }
  | { entity: 'param' | 'tag'; key: string; test: StringTest }
  | { entity: 'attribute'; key: LoggedModelStringAttribute; test: StringTest | ListTest }
  | { entity: 'attribute'; key: LoggedModelNumericAttribute; test: NumberTest };

/** A parsed filter clause of any search. */
export type Clause = RunClause | ExperimentClause | RegisteredModelClause | ModelVersionClause | LoggedModelClause;

const NUMERIC_OPS: ReadonlySet<string> = new Set<NumericOp>(['>=', '!=', '<', '=', '>', '<=']);
const STRING_OPS: ReadonlySet<string> = new Set<StringOp>(['!=', '=', 'LIKE', 'ILIKE']);
const STRING_OR_LIST_OPS: ReadonlySet<string> = new Set<StringOp | ListOp>(['!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN']);
const OPERATOR_WORDS = new Set(['LIKE', 'ILIKE', 'IN']);

type Ident = Extract<Token, { type: 'ident' }>;

const CLAUSE_SHAPE = "Each clause must look like <entity>.<key> <comparator> <value>, e.g. metrics.loss < 0.5 or params.lr = '0.01'";
const AND_ONLY = "Only AND is supported to combine clauses: OR and parentheses are not part of MLflow's filter grammar";

/** The comparators allowed for a resolved identifier, and whether it compares numbers. */
function comparatorsFor(kind: SearchKind, id: Resolved): ReadonlySet<string> {
  switch (id.entity) {
    case 'metric':
      return NUMERIC_OPS;
    case 'param':
    case 'tag':
      return STRING_OPS;
    case 'dataset':
      return STRING_OR_LIST_OPS;
    case 'attribute':
      if (id.type === 'number') return NUMERIC_OPS;
      return kind === 'run' || kind === 'logged_model' || (kind === 'model_version' && id.key === 'run_id') ? STRING_OR_LIST_OPS : STRING_OPS;
  }
}

function valueLabel(id: Resolved): string {
  return id.entity === 'attribute' ? 'attributes' : id.entity === 'dataset' ? 'dataset attributes' : id.entity;
}

/** Parses one filter string; `pos` walks the token list. */
class FilterParser {
  private pos = 0;
  private readonly tokens: Token[];

  constructor(
    private readonly src: string,
    private readonly kind: SearchKind,
  ) {
    this.tokens = tokenize(src);
  }

  parse(): Clause[] {
    const clauses: Clause[] = [];
    for (;;) {
      clauses.push(this.clause());
      const next = this.tokens[this.pos];
      if (next === undefined) return clauses;
      const keyword = keywordOf(next);
      if (keyword === 'AND') {
        this.pos += 1;
        if (this.tokens[this.pos] === undefined) {
          throw invalidParameter(`Invalid clause(s) in filter string: empty clause after the final 'AND' in '${this.src}'`);
        }
        continue;
      }
      if (keyword === 'OR' || next.type === 'lparen' || next.type === 'rparen') {
        throw invalidParameter(`Invalid clause(s) in filter string: '${this.rest(next)}'. ${AND_ONLY}`);
      }
      throw invalidParameter(
        `Invalid clause(s) in filter string: '${this.rest(next)}'. Expected AND or the end of the filter after ` +
          `'${this.src.slice(0, next.start).trim()}'`,
      );
    }
  }

  private rest(from: Token): string {
    return this.src.slice(from.start).trim();
  }

  private clause(): Clause {
    const head = this.tokens[this.pos];
    if (head === undefined) throw invalidParameter(`Invalid clause(s) in filter string: empty filter clause in '${this.src}'`);
    const keyword = keywordOf(head);
    if (keyword === 'AND') {
      throw invalidParameter(`Invalid clause(s) in filter string: empty clause before 'AND' at position ${head.start} in '${this.src}'`);
    }
    if (keyword === 'OR' || head.type === 'lparen') {
      throw invalidParameter(`Invalid clause(s) in filter string: '${this.rest(head)}'. ${AND_ONLY}`);
    }
    let ident: Ident;
    if (head.type === 'ident') {
      ident = head;
    } else if (head.type === 'string' && head.quote === '"') {
      // MLflow (via sqlparse) reads a double-quoted word here as a quoted attribute name: "Run name".
      ident = { ...head, type: 'ident', segments: [{ text: head.value, quoted: true }] };
    } else {
      throw invalidParameter(`Invalid clause(s) in filter string: '${this.rest(head)}'. ${CLAUSE_SHAPE}`);
    }
    this.pos += 1;
    const id = resolveIdentifier(ident, this.kind, 'filter');
    const op = this.comparator(ident, comparatorsFor(this.kind, id));
    return this.build(id, op, ident);
  }

  private comparator(ident: Ident, allowed: ReadonlySet<string>): string {
    const token = this.tokens[this.pos];
    const keyword = keywordOf(token);
    if (token === undefined || keyword === 'AND' || keyword === 'OR') {
      throw invalidParameter(`Invalid comparison clause '${ident.text}': expected a comparator after '${ident.text}'. ${CLAUSE_SHAPE}`);
    }
    let op: string;
    let bareWord = false;
    if (token.type === 'op') {
      op = token.text;
    } else if (keyword === 'NOT') {
      const next = this.tokens[this.pos + 1];
      op = keywordOf(next) === 'IN' ? 'NOT IN' : `NOT ${next?.text ?? ''}`.trim();
      this.pos += 1;
    } else if (keyword !== undefined) {
      op = OPERATOR_WORDS.has(keyword) ? keyword : token.text;
      bareWord = !OPERATOR_WORDS.has(keyword);
    } else if (token.start === ident.end) {
      throw invalidParameter(
        `Invalid identifier '${this.src.slice(ident.start).split(/\s/, 1)[0]}' in filter: keys with special characters ` +
          'must be quoted with backticks or double quotes, e.g. metrics.`my-metric` or tags."mlflow.runName"',
      );
    } else {
      throw invalidParameter(`Invalid comparison clause: expected a comparator after '${ident.text}', found '${token.text}'. ${CLAUSE_SHAPE}`);
    }
    this.pos += 1;
    if (!allowed.has(op)) {
      const hint = bareWord ? `. If '${op}' is part of the key, quote the key with backticks, e.g. params.\`my key\`` : '';
      throw invalidParameter(`Invalid comparator '${op}' not one of '${pySet(allowed)}'${hint}`);
    }
    return op;
  }

  private build(id: Resolved, op: string, ident: Ident): Clause {
    if (id.entity === 'metric' || (id.entity === 'attribute' && id.type === 'number')) {
      const test: NumberTest = { type: 'number', op: op as NumericOp, value: this.number(id, op, ident) };
      return { entity: id.entity, key: id.key, test } as Clause;
    }
    const test: StringTest | ListTest =
      op === 'IN' || op === 'NOT IN'
        ? { type: 'list', op, values: this.list(op) }
        : { type: 'string', op: op as StringOp, value: this.string(id, op, ident) };
    return { entity: id.entity, key: id.key, test } as Clause;
  }

  private value(op: string, ident: Ident): Token {
    const token = this.tokens[this.pos];
    const keyword = keywordOf(token);
    if (token === undefined || keyword === 'AND' || keyword === 'OR') {
      throw invalidParameter(`Invalid comparison clause '${ident.text} ${op}': expected a value after '${op}'. ${CLAUSE_SHAPE}`);
    }
    this.pos += 1;
    return token;
  }

  private number(id: Resolved, op: string, ident: Ident): number {
    const token = this.value(op, ident);
    if (token.type === 'number') return token.value;
    const what = id.entity === 'metric' ? 'metric' : `numeric attribute: ${id.key}`;
    throw invalidParameter(`Expected numeric value type for ${what}. Found ${token.text}`);
  }

  private string(id: Resolved, op: string, ident: Ident): string {
    const token = this.value(op, ident);
    if (token.type === 'string') return token.value;
    const got = token.type === 'lparen' ? `a list '${this.rest(token)}' (lists go with IN and NOT IN)` : `value ${token.text}`;
    throw invalidParameter(`Expected a quoted string value for ${valueLabel(id)} (e.g. 'my-value'). Got ${got}`);
  }

  private list(op: string): string[] {
    const open = this.tokens[this.pos];
    if (open?.type !== 'lparen') {
      throw invalidParameter(
        `Expected a parenthesised list of quoted strings after ${op}, e.g. ('a', 'b'). Got ${open ? `value ${open.text}` : 'nothing'}`,
      );
    }
    this.pos += 1;
    const values: string[] = [];
    for (;;) {
      const token = this.tokens[this.pos];
      this.pos += 1;
      if (token?.type === 'rparen' && values.length === 0) {
        throw invalidParameter('While parsing a list in the query, expected a non-empty list of string values, but got empty list');
      }
      if (token?.type !== 'string') {
        throw invalidParameter(
          'While parsing a list in the query, expected string value, punctuation, or whitespace, but got different ' +
            `type in list: ${this.src.slice(open.start).trim()}`,
        );
      }
      values.push(token.value);
      const separator = this.tokens[this.pos];
      this.pos += 1;
      if (separator?.type === 'rparen') return values;
      if (separator?.type !== 'comma') {
        throw invalidParameter(
          `While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list: ${this.src.slice(open.start).trim()}`,
        );
      }
    }
  }
}

/**
 * Parses a search filter into clauses that all have to hold (AND).
 * @param filter the filter string; empty, blank or undefined means "no filter" (`[]`).
 * @param kind `'run'` for runs/search, `'experiment'` for experiments/search (attributes
 *   `name`, `creation_time`, `last_update_time` and `tags.<key>`), `'registered_model'`
 *   (`name`, `tags.<key>`) or `'model_version'` (`name`, `run_id` with IN lists too,
 *   `source_path`, `version_number`, `tags.<key>`) or `'logged_model'` (`name`, `model_id`,
 *   `model_type`, `status`, `source_run_id`, the timestamps, metrics, params, tags); the entity
 *   prefix of an attribute is optional in all.
 * @throws 400 INVALID_PARAMETER_VALUE, with MLflow's wording where MLflow has one, for any
 *   clause outside the grammar: unknown entity or attribute, a comparator the entity does not
 *   support, a value of the wrong type, OR, parentheses, empty clauses or trailing text.
 */
export function parseFilter(filter: string | undefined, kind: 'run'): RunClause[];
export function parseFilter(filter: string | undefined, kind: 'experiment'): ExperimentClause[];
export function parseFilter(filter: string | undefined, kind: 'registered_model'): RegisteredModelClause[];
export function parseFilter(filter: string | undefined, kind: 'model_version'): ModelVersionClause[];
export function parseFilter(filter: string | undefined, kind: 'logged_model'): LoggedModelClause[];
export function parseFilter(filter: string | undefined, kind: SearchKind): Clause[];
export function parseFilter(filter: string | undefined, kind: SearchKind): Clause[] {
  if (filter === undefined || filter.trim() === '') return [];
  return new FilterParser(filter, kind).parse();
}
