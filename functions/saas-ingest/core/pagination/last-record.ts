/**
 * `last-record`: the next request carries `param=<field of the last record of this page>`
 * (Stripe: `starting_after=<id>`). Ends on an empty page, or when the body's `hasMorePath` is
 * `false` — so a full last page with `has_more: false` costs no extra request.
 */
import { SourceShapeError } from "../errors";
import { getPath } from "../json-path";
import { withParams } from "./params";

export interface LastRecordPagination {
  type: "last-record";
  field: string;
  param: string;
  hasMorePath?: string;
}

export function nextAfterLastRecord(
  p: LastRecordPagination,
  currentUrl: string,
  body: unknown,
  recordCount: number,
  lastRecord: unknown,
): string | undefined {
  if (recordCount === 0) return undefined;
  if (p.hasMorePath !== undefined) {
    const more = getPath(body, p.hasMorePath);
    if (more === false) return undefined;
    if (more !== true) {
      throw new SourceShapeError(
        `pagination.hasMorePath: "${p.hasMorePath}" must be true or false in the body (got ${more === null ? "null" : typeof more})`,
      );
    }
  }
  const value = getPath(lastRecord, p.field);
  if (typeof value !== "string" && typeof value !== "number") {
    throw new SourceShapeError(
      `pagination.field: "${p.field}" must be a string or number in the last record of the page (got ${value === null ? "null" : typeof value})`,
    );
  }
  return withParams(currentUrl, { [p.param]: String(value) });
}
