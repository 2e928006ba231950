/**
 * Tokenizer shared by the search filter and order_by parsers. It knows MLflow's quoting
 * rules (backtick or double-quoted key segments, single- or double-quoted string values)
 * but nothing about which entity or operator is valid where; the parsers decide that.
 */
import { invalidParameter } from '../errors.js';

/** One dot-separated part of an identifier; `quoted` when it was written in backticks or double quotes. */
export interface IdentSegment {
  text: string;
  quoted: boolean;
}

interface Span {
  /** Offset of the token's first character in the source. */
  start: number;
  /** Offset just past the token's last character. */
  end: number;
  /** The token exactly as written. */
  text: string;
}

/** A lexical token of a filter or order_by string. */
export type Token =
  | (Span & { type: 'ident'; segments: IdentSegment[] })
  | (Span & { type: 'string'; value: string; quote: "'" | '"' })
  | (Span & { type: 'number'; value: number })
  | (Span & { type: 'op' })
  | (Span & { type: 'lparen' | 'rparen' | 'comma' | 'other' });

const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const BARE_HEAD = /[A-Za-z_][A-Za-z0-9_]*/y;
// After a dot a bare segment may start with a digit (`metrics.1st`).
const BARE_TAIL = /[A-Za-z0-9_]+/y;
const OPERATOR = /[<>=!]+/y;

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

function stickyMatch(re: RegExp, src: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(src)?.[0];
}

/**
 * Reads a quoted run starting at `at` (which holds the quote). A doubled quote inside stands
 * for one quote character, as in SQL; backslashes are kept literally.
 * @returns the unquoted text and the offset just past the closing quote.
 * @throws 400 INVALID_PARAMETER_VALUE when the quote is never closed.
 */
function readQuoted(src: string, at: number): { value: string; end: number } {
  const quote = src[at] as string;
  let value = '';
  let i = at + 1;
  for (;;) {
    const close = src.indexOf(quote, i);
    if (close < 0) {
      throw invalidParameter(`Unterminated quoted text starting at position ${at} in '${src}': missing closing ${quote}`);
    }
    value += src.slice(i, close);
    if (src[close + 1] === quote) {
      value += quote;
      i = close + 2;
      continue;
    }
    return { value, end: close + 1 };
  }
}

function readIdent(src: string, at: number): Token {
  const segments: IdentSegment[] = [];
  let i = at;
  let first = true;
  for (;;) {
    const c = src[i];
    if (c === '`' || (c === '"' && !first)) {
      const { value, end } = readQuoted(src, i);
      segments.push({ text: value, quoted: true });
      i = end;
    } else {
      const bare = stickyMatch(first ? BARE_HEAD : BARE_TAIL, src, i);
      if (bare === undefined) {
        throw invalidParameter(
          `Invalid identifier '${src.slice(at, i)}' in '${src}': expected a key after '.'. ` +
            'Keys with special characters must be quoted with backticks, e.g. metrics.`my-metric`',
        );
      }
      segments.push({ text: bare, quoted: false });
      i += bare.length;
    }
    first = false;
    if (src[i] !== '.') break;
    i += 1;
  }
  return { type: 'ident', segments, start: at, end: i, text: src.slice(at, i) };
}

/**
 * Splits `src` into tokens, skipping whitespace.
 * @throws 400 INVALID_PARAMETER_VALUE on an unterminated quote or a dot with no key after it.
 */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (isSpace(c)) {
      i += 1;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      const { value, end } = readQuoted(src, i);
      tokens.push({ type: 'string', value, quote: c, start, end, text: src.slice(start, end) });
      i = end;
    } else if (isDigit(c) || ((c === '-' || c === '.') && (isDigit(src[i + 1]) || (src[i + 1] === '.' && isDigit(src[i + 2]))))) {
      const text = stickyMatch(NUMBER, src, i);
      if (text === undefined) {
        tokens.push({ type: 'other', start, end: i + 1, text: c });
        i += 1;
      } else {
        i += text.length;
        tokens.push({ type: 'number', value: Number(text), start, end: i, text });
      }
    } else if (c === '`' || c === '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      const token = readIdent(src, i);
      tokens.push(token);
      i = token.end;
    } else if (c === '<' || c === '>' || c === '=' || c === '!') {
      const text = stickyMatch(OPERATOR, src, i) as string;
      i += text.length;
      tokens.push({ type: 'op', start, end: i, text });
    } else {
      const type = c === '(' ? 'lparen' : c === ')' ? 'rparen' : c === ',' ? 'comma' : 'other';
      i += 1;
      tokens.push({ type, start, end: i, text: c });
    }
  }
  return tokens;
}

/** The keyword a token spells (upper-cased), when it is a single bare word; otherwise undefined. */
export function keywordOf(token: Token | undefined): string | undefined {
  if (token?.type !== 'ident' || token.segments.length !== 1) return undefined;
  const segment = token.segments[0] as IdentSegment;
  return segment.quoted ? undefined : segment.text.toUpperCase();
}
