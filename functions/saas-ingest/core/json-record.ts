/**
 * Reads one record's bytes without building it: checks that they are exactly one JSON value
 * (RFC 8259, what JSON.parse accepts), says whether it is an object, and keeps where the values
 * of a few top-level fields are (the last occurrence, as JSON.parse keeps), so only those values
 * are materialised. The fetch loop writes the record's bytes unchanged, so it never needs the
 * object: this spares a JSON.parse and the garbage of every record.
 *
 * Differences from JSON.parse: none in what is accepted (record-json.test.ts compares the two on
 * fuzzed and mutated input); nesting is not limited by the call stack.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const isDigit = (c: number) => c >= ZERO && c <= NINE;
const isHex = (c: number) => (c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
/** Bytes allowed after a backslash, besides `u`. */
const ESCAPES = new Set([QUOTE, BACKSLASH, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);
const TRUE = Buffer.from("true");
const FALSE = Buffer.from("false");
const NULL = Buffer.from("null");

enum State {
  Value,
  After,
  Key,
}

export class JsonRecordReader {
  private readonly names: Buffer[];
  private stack = new Uint8Array(64);
  /** Whether the last string scanned held an escape. */
  private escaped = false;
  /** Per field: start and end of its value in the last record read (-1: absent). */
  readonly starts: number[];
  readonly ends: number[];
  private readonly valueEscaped: boolean[];
  private buf: Buffer = Buffer.alloc(0);
  /** Whether the last record read is an object. */
  isObject = false;
  /** Whether the last record read holds a line break (whitespace between tokens: strings cannot). */
  sawBreak = false;

  /** `fields`: top-level keys whose values `value(i)` returns. */
  constructor(readonly fields: readonly string[]) {
    this.names = fields.map((f) => Buffer.from(f, "utf8"));
    this.starts = fields.map(() => -1);
    this.ends = fields.map(() => -1);
    this.valueEscaped = fields.map(() => false);
  }

  /** The value of field `i` in the last record read (undefined when absent), as JSON.parse gives it. */
  value(i: number): unknown {
    const s = this.starts[i];
    if (s < 0) return undefined;
    const e = this.ends[i];
    const b = this.buf;
    const c = b[s];
    if (c === QUOTE && !this.valueEscaped[i]) return b.toString("utf8", s + 1, e - 1);
    if (c === MINUS || isDigit(c)) return Number(b.toString("latin1", s, e));
    return JSON.parse(b.toString("utf8", s, e));
  }

  /** Skips whitespace from `i`, noting line breaks. */
  private ws(b: Buffer, i: number, end: number): number {
    while (i < end) {
      const c = b[i];
      if (c === 0x20 || c === 0x09) i++;
      else if (c === 0x0a || c === 0x0d) {
        this.sawBreak = true;
        i++;
      } else break;
    }
    return i;
  }

  /** Scans a string whose opening quote is at `i - 1`: the index past its closing quote, or -1. */
  private string(b: Buffer, i: number, end: number): number {
    this.escaped = false;
    while (i < end) {
      const c = b[i++];
      if (c === QUOTE) return i;
      if (c === BACKSLASH) {
        if (i >= end) return -1;
        const x = b[i++];
        this.escaped = true;
        if (x === 0x75) {
          if (i + 4 > end || !isHex(b[i]) || !isHex(b[i + 1]) || !isHex(b[i + 2]) || !isHex(b[i + 3]))
            return -1;
          i += 4;
        } else if (!ESCAPES.has(x)) return -1;
      } else if (c < 0x20) return -1;
    }
    return -1;
  }

  private static number(b: Buffer, i: number, end: number): number {
    if (b[i] === MINUS) i++;
    if (i >= end) return -1;
    if (b[i] === ZERO) i++;
    else if (isDigit(b[i])) while (i < end && isDigit(b[i])) i++;
    else return -1;
    if (i < end && b[i] === DOT) {
      i++;
      if (i >= end || !isDigit(b[i])) return -1;
      while (i < end && isDigit(b[i])) i++;
    }
    if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
      i++;
      if (i < end && (b[i] === PLUS || b[i] === MINUS)) i++;
      if (i >= end || !isDigit(b[i])) return -1;
      while (i < end && isDigit(b[i])) i++;
    }
    return i;
  }

  private static literal(b: Buffer, i: number, end: number, word: Buffer): number {
    if (i + word.length > end) return -1;
    for (let k = 0; k < word.length; k++) if (b[i + k] !== word[k]) return -1;
    return i + word.length;
  }

  /** Which wanted field the key at b[s, e) (quotes included) names, or -1. */
  private field(b: Buffer, s: number, e: number): number {
    if (this.escaped) {
      const key = JSON.parse(b.toString("utf8", s, e)) as string;
      return this.fields.indexOf(key);
    }
    const len = e - s - 2;
    for (let f = 0; f < this.names.length; f++) {
      const n = this.names[f];
      if (n.length !== len) continue;
      let k = 0;
      while (k < len && b[s + 1 + k] === n[k]) k++;
      if (k === len) return f;
    }
    return -1;
  }

  /** True when b[start, end) is exactly one JSON value (whitespace around it allowed). */
  read(b: Buffer, start: number, end: number): boolean {
    this.buf = b;
    this.isObject = false;
    this.sawBreak = false;
    for (let f = 0; f < this.fields.length; f++) this.starts[f] = -1;
    let stack = this.stack;
    let depth = 0;
    let state = State.Value;
    let i = start;
    /** The wanted field whose value is being read directly in the top-level object, and where it began. */
    let field = -1;
    let fieldStart = 0;
    let fieldEscaped = false;
    for (;;) {
      i = this.ws(b, i, end);
      if (state === State.After) {
        if (depth === 0) return i === end;
        if (i >= end) return false;
        const c = b[i];
        const open = stack[depth - 1];
        if (c === COMMA) {
          i++;
          state = open === LBRACE ? State.Key : State.Value;
          continue;
        }
        if (c !== (open === LBRACE ? RBRACE : RBRACKET)) return false;
        i++;
        depth--;
        if (depth === 1 && field >= 0) {
          this.starts[field] = fieldStart;
          this.ends[field] = i;
          this.valueEscaped[field] = true;
          field = -1;
        }
        continue;
      }
      if (i >= end) return false;
      if (state === State.Key) {
        if (b[i] !== QUOTE) return false;
        const ks = i;
        i = this.string(b, i + 1, end);
        if (i < 0) return false;
        if (depth === 1) field = this.names.length === 0 ? -1 : this.field(b, ks, i);
        i = this.ws(b, i, end);
        if (i >= end || b[i] !== COLON) return false;
        i++;
        state = State.Value;
        continue;
      }
      // a value
      const c = b[i];
      const vs = i;
      if (c === LBRACE || c === LBRACKET) {
        if (depth === 0) this.isObject = c === LBRACE;
        if (depth === 1 && field >= 0) {
          fieldStart = vs;
          fieldEscaped = true;
        } else if (depth === 1) field = -1;
        if (depth === stack.length) {
          const grown = new Uint8Array(stack.length * 2);
          grown.set(stack);
          this.stack = stack = grown;
        }
        stack[depth++] = c;
        i = this.ws(b, i + 1, end);
        if (i < end && b[i] === (c === LBRACE ? RBRACE : RBRACKET)) {
          i++;
          depth--;
          if (depth === 1 && field >= 0) {
            this.starts[field] = fieldStart;
            this.ends[field] = i;
            this.valueEscaped[field] = fieldEscaped;
            field = -1;
          }
          state = State.After;
          continue;
        }
        state = c === LBRACE ? State.Key : State.Value;
        continue;
      }
      if (c === QUOTE) i = this.string(b, i + 1, end);
      else if (c === MINUS || isDigit(c)) i = JsonRecordReader.number(b, i, end);
      else if (c === 0x74) i = JsonRecordReader.literal(b, i, end, TRUE);
      else if (c === 0x66) i = JsonRecordReader.literal(b, i, end, FALSE);
      else if (c === 0x6e) i = JsonRecordReader.literal(b, i, end, NULL);
      else return false;
      if (i < 0) return false;
      if (depth === 1 && field >= 0) {
        this.starts[field] = vs;
        this.ends[field] = i;
        this.valueEscaped[field] = c === QUOTE && this.escaped;
        field = -1;
      }
      state = State.After;
    }
  }
}
