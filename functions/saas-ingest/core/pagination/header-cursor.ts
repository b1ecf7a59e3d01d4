/**
 * `header-cursor`: the next cursor comes in a response header (`X-Next-Cursor: abc`) and goes
 * back as `param=<cursor>` on the current URL. An absent or empty (whitespace-only) header ends.
 */
import { withParams } from "./params";

export interface HeaderCursorPagination {
  type: "header-cursor";
  header: string;
  param: string;
}

export function nextHeaderCursor(
  p: HeaderCursorPagination,
  currentUrl: string,
  headers: Headers,
): string | undefined {
  const cursor = headers.get(p.header)?.trim();
  if (!cursor) return undefined;
  return withParams(currentUrl, { [p.param]: cursor });
}
