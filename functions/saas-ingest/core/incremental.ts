/**
 * Incremental loading: every request carries `param=<watermark>`; records older than the
 * watermark, or at the watermark and already committed (by primary key), are skipped; the new
 * watermark is the max cursor seen, committed only with the data.
 */
import type { RunState } from "./state";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ][0-9:.]+)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Numbers compare as numbers; ISO-8601 dates/timestamps as instants (so "…00Z" equals
 * "…00.000Z" and offsets are honoured); everything else as strings.
 */
export function compareCursor(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== "" && b.trim() !== "" && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  if (ISO_DATE.test(a) && ISO_DATE.test(b)) {
    const ta = Date.parse(a);
    const tb = Date.parse(b);
    if (!Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

export class IncrementalTracker {
  private max: string | undefined;
  private keysAtMax = new Set<string>();
  private readonly committedBoundary: Set<string>;
  skipped = 0;

  constructor(
    private readonly cursorField: string,
    private readonly primaryKey: string | undefined,
    private readonly watermark: string | undefined,
    boundaryKeys: string[] = [],
  ) {
    this.committedBoundary = new Set(boundaryKeys);
    this.max = watermark;
    if (watermark !== undefined) this.keysAtMax = new Set(boundaryKeys);
  }

  /** True when the record should be written. */
  accept(record: unknown): boolean {
    const raw =
      record && typeof record === "object"
        ? (record as Record<string, unknown>)[this.cursorField]
        : undefined;
    if (raw === undefined || raw === null) return true; // no cursor: keep, cannot judge
    const cursor = String(raw);
    const key = this.keyOf(record);
    if (this.watermark !== undefined) {
      const c = compareCursor(cursor, this.watermark);
      if (c < 0 || (c === 0 && key !== undefined && this.committedBoundary.has(key))) {
        this.skipped++;
        return false;
      }
    }
    const vsMax = this.max === undefined ? 1 : compareCursor(cursor, this.max);
    if (vsMax > 0) {
      this.max = cursor;
      this.keysAtMax = new Set(key !== undefined ? [key] : []);
    } else if (vsMax === 0 && key !== undefined) {
      this.keysAtMax.add(key);
    }
    return true;
  }

  private keyOf(record: unknown): string | undefined {
    if (!this.primaryKey || !record || typeof record !== "object") return undefined;
    const v = (record as Record<string, unknown>)[this.primaryKey];
    return v === undefined || v === null ? undefined : String(v);
  }

  next(): Pick<RunState, "watermark" | "boundaryKeys"> {
    return { watermark: this.max, boundaryKeys: [...this.keysAtMax] };
  }
}
