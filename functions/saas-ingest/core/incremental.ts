/**
 * Incremental loading with typed cursors. Every request carries `param=<watermark>`; a record
 * older than the watermark, or at the watermark with a primary key already committed there, is
 * skipped; the new watermark is the greatest cursor seen, committed only with the data.
 *
 * Cursor values are parsed as `cursorType` ("timestamp": ISO 8601 compared as instants; "number";
 * "string": code-unit order). A record whose cursor is missing, null or does not parse fails the
 * run with its key and value (`onBadCursor: "fail"`, default) or is skipped and counted
 * (`onBadCursor: "skip"`); it never becomes the watermark.
 *
 * Acceptance is per page: `accept` stages, `commitPage` merges the page's maximum into the run's,
 * `rollbackPage` forgets it (a page retried after a truncated body is counted once).
 */
import { SourceShapeError } from "./errors";
import { cursorParses, ISO_TIMESTAMP } from "./settings";

export type CursorType = "timestamp" | "number" | "string";

/** Comparable form of a cursor, or undefined when it does not parse as `type`. */
export function parseCursor(type: CursorType, raw: unknown): number | string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (type === "number") {
    const n =
      typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN;
    return Number.isFinite(n) ? n : undefined;
  }
  if (typeof raw !== "string") return type === "string" && typeof raw !== "object" ? String(raw) : undefined;
  if (type === "string") return raw;
  const fast = utcSeconds(raw);
  if (fast !== undefined) return fast;
  if (!ISO_TIMESTAMP.test(raw)) return undefined;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? undefined : t;
}

/** Digit at `i` of `s` (0-9), or -1. */
function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/** `YYYY-MM-DD` -> epoch ms of its midnight UTC, for the last date seen (a page's records share few). */
let lastDay = "";
let lastDayMs = Number.NaN;

/**
 * The common shapes `YYYY-MM-DDTHH:MM:SSZ` and `YYYY-MM-DDTHH:MM:SS.sssZ` read without a regex
 * (the same instant Date.parse gives); undefined for anything else, which takes the general path.
 */
export function utcSeconds(s: string): number | undefined {
  const n = s.length;
  if ((n !== 20 && n !== 24) || s.charCodeAt(n - 1) !== 90 /* Z */) return undefined;
  if (s.charCodeAt(10) !== 84 /* T */ || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  let ms = 0;
  if (n === 24) {
    if (s.charCodeAt(19) !== 46 /* . */) return undefined;
    const a = digit(s, 20);
    const b = digit(s, 21);
    const c = digit(s, 22);
    if (a < 0 || b < 0 || c < 0) return undefined;
    ms = a * 100 + b * 10 + c;
  }
  const h1 = digit(s, 11);
  const h2 = digit(s, 12);
  const m1 = digit(s, 14);
  const m2 = digit(s, 15);
  const s1 = digit(s, 17);
  const s2 = digit(s, 18);
  if (h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0 || s1 < 0 || s2 < 0) return undefined;
  const hh = h1 * 10 + h2;
  const mm = m1 * 10 + m2;
  const ss = s1 * 10 + s2;
  if (hh > 23 || mm > 59 || ss > 59) return undefined;
  if (!s.startsWith(lastDay) || lastDay === "") {
    const day = s.slice(0, 10);
    // The date part through the general path (it checks the calendar); one call per new date.
    const t = ISO_TIMESTAMP.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
    lastDay = day;
    lastDayMs = t;
  }
  if (Number.isNaN(lastDayMs)) return undefined;
  return lastDayMs + hh * 3_600_000 + mm * 60_000 + ss * 1000 + ms;
}

export function compareParsed(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares two cursor strings of one type (both must parse). */
export function compareCursor(type: CursorType, a: string, b: string): number {
  return compareParsed(parseCursor(type, a)!, parseCursor(type, b)!);
}

export interface BoundaryState {
  /** The committed watermark (max cursor of committed records), as the source wrote it. */
  watermark?: string;
  /** Primary keys of committed records whose cursor equals the watermark. */
  keys: Set<string>;
}

export interface TrackerOptions {
  cursorField: string;
  cursorType: CursorType;
  primaryKey: string;
  onBadCursor: "fail" | "skip";
}

export class IncrementalTracker {
  private readonly committedMark: number | string | undefined;
  private max: { raw: string; parsed: number | string } | undefined;
  private keysAtMax: Set<string>;
  private page: {
    max?: { raw: string; parsed: number | string };
    keys: string[];
    skipped: number;
    bad: number;
  } = {
    keys: [],
    skipped: 0,
    bad: 0,
  };
  skipped = 0;
  badCursor = 0;

  constructor(
    private readonly o: TrackerOptions,
    private readonly committed: BoundaryState,
  ) {
    if (committed.watermark !== undefined && !cursorParses(o.cursorType, committed.watermark))
      throw new SourceShapeError(
        `incremental: stored watermark ${JSON.stringify(committed.watermark)} is not a ${o.cursorType}; fix incremental.cursorType or the state item`,
      );
    this.committedMark =
      committed.watermark === undefined ? undefined : parseCursor(o.cursorType, committed.watermark);
    this.max =
      committed.watermark === undefined
        ? undefined
        : { raw: committed.watermark, parsed: this.committedMark! };
    this.keysAtMax = new Set(committed.keys);
  }

  /** The top-level fields `acceptValues` reads: the cursor, then the primary key. */
  get fields(): [string, string] {
    return [this.o.cursorField, this.o.primaryKey];
  }

  /**
   * True when the record should be written. Throws SourceShapeError on a bad cursor (unless
   * onBadCursor is "skip") naming the record's key and value.
   */
  accept(record: Record<string, unknown>, where: (index: number) => string, index = 0): boolean {
    return this.acceptValues(record[this.o.cursorField], record[this.o.primaryKey], where, index);
  }

  /** `accept` given the record's cursor and primary key values (undefined: absent). */
  acceptValues(raw: unknown, keyValue: unknown, where: (index: number) => string, index = 0): boolean {
    const parsed = parseCursor(this.o.cursorType, raw);
    const key = keyOf(keyValue);
    if (parsed === undefined) {
      if (this.o.onBadCursor === "skip") {
        this.page.bad++;
        return false;
      }
      throw new SourceShapeError(
        `incremental.cursorField "${this.o.cursorField}" of the record with ${this.o.primaryKey}=${JSON.stringify(key ?? null)} (${where(index)}) is ${raw === undefined ? "missing" : JSON.stringify(raw)}, not a ${this.o.cursorType}; nothing was published (set incremental.onBadCursor: "skip" to skip such records)`,
      );
    }
    if (key === undefined)
      throw new SourceShapeError(
        `primaryKey "${this.o.primaryKey}" is missing or null in a record (${where(index)}); incremental sources de-duplicate by it`,
      );
    if (this.committedMark !== undefined) {
      const c = compareParsed(parsed, this.committedMark);
      if (c < 0 || (c === 0 && this.committed.keys.has(key))) {
        this.page.skipped++;
        return false;
      }
    }
    const pm = this.page.max;
    const c = pm === undefined ? 1 : compareParsed(parsed, pm.parsed);
    if (c > 0) {
      // In place (a new maximum per record when cursors ascend): the page's objects are handed
      // over at commitPage, which starts a fresh page.
      const rawText = typeof raw === "string" ? raw : String(raw);
      if (pm) {
        pm.raw = rawText;
        pm.parsed = parsed;
      } else this.page.max = { raw: rawText, parsed };
      this.page.keys.length = 0;
      this.page.keys.push(key);
    } else if (c === 0) this.page.keys.push(key);
    return true;
  }

  /** Merges the current page into the run's maximum. */
  commitPage(): void {
    const p = this.page;
    this.skipped += p.skipped;
    this.badCursor += p.bad;
    if (p.max) {
      const c = this.max === undefined ? 1 : compareParsed(p.max.parsed, this.max.parsed);
      if (c > 0) {
        this.max = p.max;
        this.keysAtMax = new Set(p.keys);
      } else if (c === 0) for (const k of p.keys) this.keysAtMax.add(k);
    }
    this.page = { keys: [], skipped: 0, bad: 0 };
  }

  /** Forgets the current page (it will be fetched again). */
  rollbackPage(): void {
    this.page = { keys: [], skipped: 0, bad: 0 };
  }

  /** The watermark and boundary keys to commit with this run's data. */
  next(): { watermark?: string; boundaryKeys: string[] } {
    return { watermark: this.max?.raw, boundaryKeys: [...this.keysAtMax] };
  }
}

function keyOf(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : typeof v === "string" ? v : JSON.stringify(v);
}
