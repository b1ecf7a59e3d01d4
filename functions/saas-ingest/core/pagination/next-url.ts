/**
 * `next-url`: the next page's URL sits in the body (Salesforce `nextRecordsUrl`, relative;
 * Zendesk `next_page`, absolute). It is followed as given — no query parameter of the first
 * request is added again — after resolving it against the current URL.
 *
 * | body at `path`           | `stopPath` | next                      |
 * |--------------------------|------------|---------------------------|
 * | absent, null or ""       | any        | — (last page)             |
 * | a string                 | `true`     | — (Zendesk end_of_stream) |
 * | a string                 | otherwise  | the URL, resolved         |
 * | anything else            | any        | SourceShapeError          |
 */
import { SourceShapeError } from "../errors";
import { getPath } from "../json-path";

export interface NextUrlPagination {
  type: "next-url";
  path: string;
  stopPath?: string;
}

export function nextUrl(p: NextUrlPagination, currentUrl: string, body: unknown): string | undefined {
  if (p.stopPath !== undefined && getPath(body, p.stopPath) === true) return undefined;
  const next = getPath(body, p.path);
  if (next === undefined || next === null || next === "") return undefined;
  if (typeof next !== "string") {
    throw new SourceShapeError(
      `pagination.path: "${p.path}" must hold a URL string or null in the body (got ${typeof next})`,
    );
  }
  let resolved: URL;
  try {
    resolved = new URL(next, currentUrl);
  } catch {
    throw new SourceShapeError(`pagination.path: "${p.path}" holds a value that is not a URL`);
  }
  if (resolved.protocol !== "https:" && resolved.protocol !== "http:") {
    throw new SourceShapeError(
      `pagination.path: "${p.path}" holds a ${resolved.protocol} URL; only http(s) is followed`,
    );
  }
  return resolved.toString();
}
