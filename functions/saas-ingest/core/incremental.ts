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
  if (!ISO_TIMESTAMP.test(raw)) return undefined;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? undefined : t;
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

  /**
   * True when the record should be written. Throws SourceShapeError on a bad cursor (unless
   * onBadCursor is "skip") naming the record's key and value.
   */
  accept(record: Record<string, unknown>, where: () => string): boolean {
    const raw = record[this.o.cursorField];
    const parsed = parseCursor(this.o.cursorType, raw);
    const key = keyOf(record, this.o.primaryKey);
    if (parsed === undefined) {
      if (this.o.onBadCursor === "skip") {
        this.page.bad++;
        return false;
      }
      throw new SourceShapeError(
        `incremental.cursorField "${this.o.cursorField}" of the record with ${this.o.primaryKey}=${JSON.stringify(key ?? null)} (${where()}) is ${raw === undefined ? "missing" : JSON.stringify(raw)}, not a ${this.o.cursorType}; nothing was published (set incremental.onBadCursor: "skip" to skip such records)`,
      );
    }
    if (key === undefined)
      throw new SourceShapeError(
        `primaryKey "${this.o.primaryKey}" is missing or null in a record (${where()}); incremental sources de-duplicate by it`,
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
      this.page.max = { raw: typeof raw === "string" ? raw : String(raw), parsed };
      this.page.keys = [key];
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

function keyOf(record: Record<string, unknown>, primaryKey: string): string | undefined {
  const v = record[primaryKey];
  return v === undefined || v === null ? undefined : typeof v === "string" ? v : JSON.stringify(v);
}
