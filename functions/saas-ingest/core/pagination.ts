/**
 * Pagination styles, as pure functions: given the request just made and its response, return the
 * next URL or undefined when the source has no more pages.
 *
 * | type   | next page                                        | stops when                    |
 * |--------|--------------------------------------------------|-------------------------------|
 * | none   | —                                                | after the first page          |
 * | cursor | `param=<value at cursorPath>`                    | cursor null, absent or ""     |
 * | page   | `param=<n+1>` (first page `start`, default 1)    | a page with no records        |
 * | offset | `param=<offset+records received>`, `limitParam`  | an empty page, or `offset + records >= total` when `totalPath` is set (a short page does not end it: APIs cap `limit`) |
 * | link   | the `Link: <url>; rel="next"` header (RFC 8288)  | no next link                  |
 * | next-url | the URL at `path` in the body, as given        | absent/null/"", `stopPath` true |
 * | header-cursor | `param=<value of header>`                 | header absent or empty        |
 * | last-record | `param=<field of the last record>`          | empty page, `hasMorePath` false |
 *
 * The last three live in `pagination/<style>.ts`.
 *
 * To add a style: add its settings to `paginationSchema` (settings.ts), its first-page parameters
 * to `firstPageParams` and its next-page rule to `nextPage`. `body` is the page without its
 * records (the records array is empty), so a rule reads cursors and totals; `lastRecord` is the
 * only record it sees.
 */
import { getPath } from "./json-path";
import { nextHeaderCursor } from "./pagination/header-cursor";
import { nextAfterLastRecord } from "./pagination/last-record";
import { nextUrl } from "./pagination/next-url";
import { withParams } from "./pagination/params";
import type { SourceSettings } from "./settings";

export { withParams };

type Pagination = SourceSettings["pagination"];

/** Query parameters the first request carries for this pagination style. */
export function firstPageParams(p: Pagination): Record<string, string> {
  if (p.type === "page") return { [p.param]: String(p.start) };
  if (p.type === "offset") return { [p.param]: "0", [p.limitParam]: String(p.limit) };
  return {};
}

/** Parses an RFC 8288 Link header and returns the target of rel="next", resolved against `base`. */
export function nextLink(header: string | null, base: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!m) continue;
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(m[2]);
    const rels = (rel?.[1] ?? rel?.[2] ?? "").toLowerCase().split(/\s+/);
    if (rels.includes("next")) return new URL(m[1], base).toString();
  }
  return undefined;
}

export function nextPage(
  p: Pagination,
  currentUrl: string,
  body: unknown,
  headers: Headers,
  recordCount: number,
  /** The last record of this page (for `last-record`). */
  lastRecord?: unknown,
): string | undefined {
  switch (p.type) {
    case "none":
      return undefined;
    case "cursor": {
      const cursor = getPath(body, p.cursorPath);
      if (cursor === null || cursor === undefined || cursor === "") return undefined;
      return withParams(currentUrl, { [p.param]: String(cursor) });
    }
    case "page": {
      if (recordCount === 0) return undefined;
      const current = Number(new URL(currentUrl).searchParams.get(p.param) ?? p.start);
      return withParams(currentUrl, { [p.param]: String(current + 1) });
    }
    case "offset": {
      if (recordCount === 0) return undefined;
      const current = Number(new URL(currentUrl).searchParams.get(p.param) ?? 0);
      const next = current + recordCount;
      if (p.totalPath !== undefined) {
        const total = Number(getPath(body, p.totalPath));
        if (Number.isFinite(total) && next >= total) return undefined;
      }
      return withParams(currentUrl, {
        [p.param]: String(next),
        [p.limitParam]: String(p.limit),
      });
    }
    case "link":
      return nextLink(headers.get("link"), currentUrl);
    case "next-url":
      return nextUrl(p, currentUrl, body);
    case "header-cursor":
      return nextHeaderCursor(p, currentUrl, headers);
    case "last-record":
      return nextAfterLastRecord(p, currentUrl, body, recordCount, lastRecord);
  }
}
