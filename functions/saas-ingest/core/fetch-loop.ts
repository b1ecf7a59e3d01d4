/**
 * The fetch loop: request page after page (pagination.ts), stream each body through the record
 * splitter into the writer, enforce the source's limits, and stop at the last page. Per page:
 * records must be JSON objects, incremental records pass the tracker, and the page is committed
 * to the writer and the tracker only when its body was complete (a retried page counts once).
 */
import { apiErrorHint } from "./api-error";
import { IngestError, SourceShapeError } from "./errors";
import type { PageSink } from "./http";
import { redact } from "./http";
import type { IncrementalTracker } from "./incremental";
import { getPath } from "./json-path";
import { JsonRecordReader } from "./json-record";
import type { OriginPolicy } from "./origin";
import { firstPageParams, nextPage, withParams } from "./pagination";
import {
  EnvelopeTooLargeError,
  IncompleteBodyError,
  type RecordBatchHandler,
  RecordSplitter,
} from "./record-stream";
import type { SourceSettings } from "./settings";
import type { SourceClient } from "./source-client";
import type { RotatingGzipWriter } from "./writer";

/** A configured limit was reached; the run stops with nothing published. Never retryable. */
export class LimitExceededError extends IngestError {}

export interface FetchContext {
  cfg: SourceSettings;
  /** Authenticated, origin-checked, rate-limited requests. */
  source: SourceClient;
  policy: OriginPolicy;
  writer: RotatingGzipWriter;
  tracker?: IncrementalTracker;
  /** Value sent as the incremental parameter (watermark or initial). */
  since?: string;
  /** Called before every page (lease lost, out of time). */
  checkpoint: () => void;
}

export interface FetchStats {
  pages: number;
  records: number;
  httpBytes: number;
}

interface PageResult {
  body: unknown;
  count: number;
  kept: number;
  /** The page's last record (pagination `last-record`); the only record kept past its line. */
  lastRecord?: unknown;
}

const LF = 0x0a;
const CR = 0x0d;

export async function fetchAll(ctx: FetchContext, stats: FetchStats): Promise<void> {
  const { cfg, source, writer, tracker } = ctx;
  const limits = cfg.limits;
  let url: string | undefined = withParams(cfg.request.url, {
    ...(cfg.request.query ?? {}),
    ...firstPageParams(cfg.pagination),
    ...(cfg.incremental && ctx.since !== undefined ? { [cfg.incremental.param]: ctx.since } : {}),
  });
  const seen = new Set<string>();
  let emptyInARow = 0;
  while (url) {
    ctx.checkpoint();
    ctx.policy.check(url, `pagination.${cfg.pagination.type}: next page`);
    if (seen.has(url))
      throw new SourceShapeError(
        `pagination.${cfg.pagination.type}: the source sent the same page again (${redact(url)}); stopping instead of looping`,
      );
    if (stats.pages >= limits.maxPages)
      throw new LimitExceededError(
        `limits.maxPages: more than ${limits.maxPages} pages; nothing was published`,
      );
    seen.add(url);
    const pageNo = stats.pages + 1;
    const pageUrl: string = url;
    const res = await source.getPage(pageUrl, pageSink(ctx, pageNo, pageUrl, stats));
    await writer.commitPage(res.result.kept);
    tracker?.commitPage();
    stats.pages++;
    stats.records += res.result.kept;
    stats.httpBytes += res.bytes;
    if (stats.records > limits.maxRecords)
      throw new LimitExceededError(
        `limits.maxRecords: more than ${limits.maxRecords} records; nothing was published`,
      );
    if (stats.httpBytes > limits.maxBytes)
      throw new LimitExceededError(
        `limits.maxBytes: more than ${limits.maxBytes} bytes fetched; nothing was published`,
      );
    url = nextPage(
      cfg.pagination,
      res.url,
      res.result.body,
      res.headers,
      res.result.count,
      res.result.lastRecord,
    );
    emptyInARow = res.result.count === 0 ? emptyInARow + 1 : 0;
    if (url && emptyInARow >= limits.maxConsecutiveEmptyPages)
      throw new LimitExceededError(
        `limits.maxConsecutiveEmptyPages: ${emptyInARow} pages in a row without records still pointed to a next page (${redact(url)}); stopping instead of running to the deadline`,
      );
  }
}

function pageSink(ctx: FetchContext, pageNo: number, url: string, stats: FetchStats): PageSink<PageResult> {
  const { cfg, writer, tracker } = ctx;
  const limits = cfg.limits;
  let splitter: RecordSplitter;
  let bytes = 0;
  let kept = 0;
  const where = (i: number) => `page ${pageNo} (${redact(url)}), record ${i}`;
  // Each record's bytes are checked as JSON and only its cursor and key are read (no object built).
  const reader = new JsonRecordReader(tracker ? tracker.fields : []);
  const lastRecordWanted = cfg.pagination.type === "last-record";
  let lastBytes: Buffer | undefined;
  const onRecords: RecordBatchHandler = (buf, starts, ends, n, first) => {
    if (first + n > limits.maxPageRecords)
      throw new LimitExceededError(
        `limits.maxPageRecords: page ${pageNo} (${redact(url)}) has more than ${limits.maxPageRecords} records`,
      );
    for (let i = 0; i < n; i++) {
      const start = starts[i];
      const end = ends[i];
      if (!reader.read(buf, start, end))
        throw new IncompleteBodyError(`record ${first + i} of page ${pageNo} is not valid JSON`);
      if (!reader.isObject) {
        const record: unknown = JSON.parse(buf.toString("utf8", start, end));
        throw new SourceShapeError(
          `records.path "${cfg.records.path}": ${where(first + i)} is ${record === null ? "null" : Array.isArray(record) ? "an array" : `a ${typeof record}`} (${buf.toString("utf8", start, Math.min(end, start + 80))}), not a JSON object; nothing was published`,
        );
      }
      if (tracker && !tracker.acceptValues(reader.value(0), reader.value(1), where, first + i)) continue;
      // Written as received (no re-serialising); line breaks (whitespace between tokens) become spaces.
      if (reader.sawBreak) writer.add(oneLine(buf.subarray(start, end)));
      else writer.add(buf, start, end);
      kept++;
    }
    if (lastRecordWanted) lastBytes = Buffer.from(buf.subarray(starts[n - 1], ends[n - 1]));
  };
  return {
    begin() {
      splitter = new RecordSplitter(cfg.records.path, onRecords);
      bytes = 0;
      kept = 0;
      lastBytes = undefined;
      writer.beginPage();
      tracker?.rollbackPage();
    },
    async write(chunk) {
      bytes += chunk.length;
      if (bytes > limits.maxPageBytes)
        throw new LimitExceededError(
          `limits.maxPageBytes: page ${pageNo} (${redact(url)}) is larger than ${limits.maxPageBytes} bytes (after decompression)`,
        );
      if (stats.httpBytes + bytes > limits.maxBytes)
        throw new LimitExceededError(
          `limits.maxBytes: more than ${limits.maxBytes} bytes fetched; nothing was published`,
        );
      try {
        splitter.push(chunk);
      } catch (e) {
        if (e instanceof EnvelopeTooLargeError)
          throw new SourceShapeError(
            `records.path "${cfg.records.path}": page ${pageNo} (${redact(url)}): ${e.message}`,
          );
        throw e;
      }
      await writer.flush();
    },
    end() {
      const envelope = splitter.end();
      let body: unknown;
      try {
        body = JSON.parse(envelope);
      } catch {
        throw new IncompleteBodyError(`page ${pageNo} is not valid JSON`);
      }
      const items = getPath(body, cfg.records.path);
      if (!Array.isArray(items) || !splitter.foundRecords) {
        throw new SourceShapeError(
          `records.path: "${cfg.records.path}" is not an array in the response of ${redact(url)} (got ${items === null ? "null" : typeof items})${apiErrorHint(body)}`,
        );
      }
      const lastRecord: unknown = lastBytes ? JSON.parse(lastBytes.toString("utf8")) : undefined;
      return { body, count: splitter.count, kept, lastRecord };
    },
    abort() {
      writer.abortPage();
      tracker?.rollbackPage();
    },
  };
}

/** Replaces CR/LF (whitespace between tokens: JSON strings cannot hold them raw) with spaces. */
function oneLine(raw: Buffer): Buffer {
  const b = Buffer.from(raw);
  for (let i = 0; i < b.length; i++) if (b[i] === LF || b[i] === CR) b[i] = 0x20;
  return b;
}
