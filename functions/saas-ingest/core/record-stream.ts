/**
 * Splits a JSON body, as it streams in, into the raw bytes of each element of the array at
 * `recordsPath` (dot path of object keys; "" = the body is the array), without building the page
 * in memory. Everything outside that array (the "envelope": `{"data":[],"meta":{...}}`) is kept,
 * up to `maxEnvelopeBytes`, and parsed at the end so pagination can read its cursor or total.
 *
 * The splitter checks structure only (strings, escapes, nesting); the records' bytes are parsed
 * by the caller (JSON.parse) and written unchanged when they hold no line break, so an unchanged
 * record is never re-serialised. Records are handed over in batches: every record that ends in a
 * chunk, as ranges of that chunk (one JSON.parse can read a batch), except a record that began in
 * an earlier chunk, which comes alone, first, as its own joined bytes.
 */

/**
 * Receives `count` complete records: record `first + i` is `buf[starts[i], ends[i])`, separated
 * from the next by commas and whitespace only. `buf`, `starts` and `ends` are valid only during
 * the call (the arrays are reused).
 */
export type RecordBatchHandler = (
  buf: Buffer,
  starts: readonly number[],
  ends: readonly number[],
  count: number,
  first: number,
) => void;

/** Adapts a per-record callback (tests, small bodies) to batches. */
export function eachRecord(onRecord: (bytes: Buffer, index: number) => void): RecordBatchHandler {
  return (buf, starts, ends, count, first) => {
    for (let i = 0; i < count; i++) onRecord(buf.subarray(starts[i], ends[i]), first + i);
  };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** The body is not complete or not JSON (a retry may fix it). */
export class IncompleteBodyError extends Error {}

/** The envelope (the body without the records) is larger than allowed. */
export class EnvelopeTooLargeError extends Error {}

interface Frame {
  arr: boolean;
  /** Current key (object) or index (array). */
  key: string;
  idx: number;
  expectKey: boolean;
}

enum Mode {
  Envelope,
  Between,
  Record,
}

export class RecordSplitter {
  private readonly target: string[];
  private readonly stack: Frame[] = [];
  private mode = Mode.Envelope;
  private inString = false;
  private escape = false;
  // envelope string being a key
  private keyString = false;
  private keyPieces: Buffer[] = [];
  private envelope: Buffer[] = [];
  private envelopeBytes = 0;
  private entered = false;
  // record state
  private depth = 0;
  private recKind: "container" | "string" | "scalar" = "container";
  private recPieces: Buffer[] = [];
  private sawRoot = false;
  // records of the current chunk, handed over at the end of push()
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private batchFirst = 0;
  /** Records emitted so far (index of the next one). */
  count = 0;

  constructor(
    recordsPath: string,
    private readonly onRecords: RecordBatchHandler,
    private readonly maxEnvelopeBytes = 1024 * 1024,
  ) {
    this.target = recordsPath === "" ? [] : recordsPath.split(".");
  }

  private pushEnvelope(b: Buffer) {
    if (b.length === 0) return;
    this.envelopeBytes += b.length;
    if (this.envelopeBytes > this.maxEnvelopeBytes)
      throw new EnvelopeTooLargeError(
        `the response outside the records array is larger than ${this.maxEnvelopeBytes} bytes (is records.path right?)`,
      );
    this.envelope.push(b);
  }

  private atTarget(): boolean {
    const s = this.stack;
    if (s.length !== this.target.length) return false;
    for (let i = 0; i < s.length; i++) if (s[i].key !== this.target[i]) return false;
    return true;
  }

  private emit(chunk: Buffer, start: number, end: number) {
    if (this.recPieces.length === 0) {
      if (this.starts.length === 0) this.batchFirst = this.count;
      this.starts.push(start);
      this.ends.push(end);
      this.count++;
      return;
    }
    // A record that began in an earlier chunk: the first to end in this one, so nothing is batched yet.
    this.recPieces.push(chunk.subarray(start, end));
    const bytes = Buffer.concat(this.recPieces);
    this.recPieces = [];
    this.onRecords(bytes, [0], [bytes.length], 1, this.count++);
  }

  /**
   * Scans an object or array record from `i` (its opening bracket already counted in `depth`):
   * the index just past its closing bracket, or -1 when the chunk ends first (state kept for the
   * next chunk). One tight loop over locals: most of a body's bytes pass here.
   */
  private scanContainer(chunk: Buffer, i: number, n: number): number {
    if (this.inString) {
      // a string (or an escape) cut by the previous chunk
      if (this.escape) {
        if (i >= n) return -1;
        this.escape = false;
        i++;
      }
      for (;;) {
        if (i >= n) return -1;
        const c = chunk[i++];
        if (c === QUOTE) break;
        if (c === BACKSLASH) {
          if (i >= n) {
            this.escape = true;
            return -1;
          }
          i++;
        }
      }
      this.inString = false;
    }
    let depth = this.depth;
    while (i < n) {
      const c = chunk[i++];
      if (c === QUOTE) {
        // the string's bytes in an inner loop: only a quote or a backslash matters there
        for (;;) {
          if (i >= n) {
            this.depth = depth;
            this.inString = true;
            return -1;
          }
          const x = chunk[i++];
          if (x === QUOTE) break;
          if (x === BACKSLASH) {
            if (i >= n) {
              this.depth = depth;
              this.inString = true;
              this.escape = true;
              return -1;
            }
            i++;
          }
        }
      } else if (c === LBRACE || c === LBRACKET) depth++;
      else if ((c === RBRACE || c === RBRACKET) && --depth === 0) {
        this.depth = 0;
        return i;
      }
    }
    this.depth = depth;
    return -1;
  }

  push(input: Uint8Array): void {
    const chunk = Buffer.isBuffer(input)
      ? input
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    this.starts.length = 0;
    this.ends.length = 0;
    const n = chunk.length;
    let i = 0;
    let envStart = this.mode === Mode.Envelope ? 0 : -1;
    let recStart = this.mode === Mode.Record ? 0 : -1;
    while (i < n) {
      const c = chunk[i];
      if (this.mode === Mode.Record) {
        if (this.recKind === "container") {
          const end = this.scanContainer(chunk, i, n);
          if (end < 0) {
            i = n;
            continue;
          }
          this.emit(chunk, recStart, end);
          this.mode = Mode.Between;
          recStart = -1;
          i = end;
          continue;
        }
        if (this.recKind === "string") {
          if (this.escape) this.escape = false;
          else if (c === BACKSLASH) this.escape = true;
          else if (c === QUOTE) {
            this.inString = false;
            this.emit(chunk, recStart, i + 1);
            this.mode = Mode.Between;
            recStart = -1;
          }
          i++;
          continue;
        }
        // scalar: ends before a delimiter, which Between then reads
        if (c === COMMA || c === RBRACKET || isSpace(c)) {
          this.emit(chunk, recStart, i);
          this.mode = Mode.Between;
          recStart = -1;
          continue;
        }
        i++;
        continue;
      }
      if (this.mode === Mode.Between) {
        if (isSpace(c) || c === COMMA) {
          i++;
          continue;
        }
        if (c === RBRACKET) {
          // end of the records array: the envelope resumes with this "]"
          this.mode = Mode.Envelope;
          this.stack.pop();
          envStart = i;
          i++;
          this.afterValue();
          continue;
        }
        this.mode = Mode.Record;
        recStart = i;
        this.depth = 0;
        this.escape = false;
        if (c === LBRACE || c === LBRACKET) {
          this.recKind = "container";
          this.depth = 1;
          this.inString = false;
        } else if (c === QUOTE) {
          this.recKind = "string";
          this.inString = true;
        } else this.recKind = "scalar";
        i++;
        continue;
      }
      // Envelope
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === BACKSLASH) this.escape = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.keyString) {
            this.keyString = false;
            this.keyPieces.push(chunk.subarray(this.keyStartIn(i), i + 1));
            const top = this.stack[this.stack.length - 1];
            top.key = JSON.parse(Buffer.concat(this.keyPieces).toString("utf8")) as string;
            top.expectKey = false;
            this.keyPieces = [];
          } else this.afterValue();
        }
        i++;
        continue;
      }
      const top = this.stack[this.stack.length - 1];
      if (c === QUOTE) {
        this.inString = true;
        if (top && !top.arr && top.expectKey) {
          this.keyString = true;
          this.keyStart = i;
          this.keyPieces = [];
        } else this.beginValue();
      } else if (c === LBRACE || c === LBRACKET) {
        this.beginValue();
        const entering = c === LBRACKET && !this.entered && this.atTarget();
        this.stack.push({
          arr: c === LBRACKET,
          key: c === LBRACKET ? "0" : "",
          idx: 0,
          expectKey: c === LBRACE,
        });
        if (entering) {
          this.entered = true;
          this.pushEnvelope(chunk.subarray(envStart, i + 1));
          envStart = -1;
          this.mode = Mode.Between;
        }
      } else if (c === RBRACE || c === RBRACKET) {
        this.stack.pop();
        this.afterValue();
      } else if (c === COMMA) {
        if (top) {
          if (top.arr) top.key = String(++top.idx);
          else top.expectKey = true;
        }
      } else if (c !== COLON && !isSpace(c)) {
        this.beginValue();
      }
      i++;
    }
    if (this.mode === Mode.Envelope) {
      if (envStart >= 0) this.pushEnvelope(chunk.subarray(envStart));
      if (this.keyString) this.keyPieces.push(chunk.subarray(this.keyStartIn(n)));
    } else if (this.mode === Mode.Record && recStart >= 0) {
      // keep a copy: the caller may reuse its chunk
      this.recPieces.push(Buffer.from(chunk.subarray(recStart)));
    }
    this.keyStart = 0;
    if (this.starts.length > 0)
      this.onRecords(chunk, this.starts, this.ends, this.starts.length, this.batchFirst);
  }

  private keyStart = 0;
  private keyStartIn(_end: number): number {
    const s = this.keyStart;
    this.keyStart = 0;
    return s;
  }

  private beginValue() {
    this.sawRoot = true;
  }

  private afterValue() {
    /* structure is validated by JSON.parse of the envelope at the end */
  }

  /** The envelope (body without the records) as text; throws IncompleteBodyError when the body ended early. */
  end(): string {
    if (this.mode !== Mode.Envelope || this.inString || this.stack.length > 0 || !this.sawRoot)
      throw new IncompleteBodyError("the body ended before the JSON value was complete");
    return Buffer.concat(this.envelope).toString("utf8");
  }

  /** Whether the records array was found (false: the path named no array, or the body had none). */
  get foundRecords(): boolean {
    return this.entered;
  }
}
