/**
 * Writes records as gzip JSON Lines files, rotating by uncompressed size, each uploaded as it is
 * written (multipart through the ObjectStore). Each page is compressed as gzip members (one per
 * 512 KiB of records) and appended to the file only when the page is complete (`commitPage`), so
 * a page that fails half-way (truncated body, retried) leaves nothing behind (`abortPage`).
 * Memory holds at most one page compressed plus one batch. Concatenated gzip members are one valid gzip file
 * (RFC 1952 §2.2), read by gunzip, Athena and Spark alike. Each file's SHA-256 is computed on the
 * bytes uploaded.
 */
import { createHash } from "node:crypto";
import { PassThrough } from "node:stream";
import { gzipSync } from "node:zlib";
import type { ObjectStore, UploadResult } from "./ports";

export interface WrittenFile {
  key: string;
  records: number;
  /** Compressed size. */
  bytes: number;
  uncompressedBytes: number;
  sha256: string;
}

interface OpenFile {
  key: string;
  body: PassThrough;
  records: number;
  uncompressed: number;
  compressed: number;
  hash: ReturnType<typeof createHash>;
  upload: Promise<UploadResult>;
  /** First error of the upload. */
  failed?: Error;
}

interface OpenPage {
  /** Compressed gzip members of the page's full batches. */
  out: Buffer[];
  /** Records being collected into the current batch. */
  batch: Buffer;
  batchBytes: number;
  uncompressed: number;
}

const EMPTY = Buffer.alloc(0);
/** Uncompressed bytes per gzip member (each compressed in one synchronous call, as the floor does). */
const BATCH_BYTES = 512 * 1024;

export class RotatingGzipWriter {
  private current?: OpenFile;
  private page?: OpenPage;
  private readonly done: WrittenFile[] = [];
  private readonly started: string[] = [];
  private index = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly keyFor: (index: number) => string,
    /** Rotate after this many uncompressed bytes (checked between pages). */
    private readonly maxBytes: number,
    /** zlib level 1-9. @default 6 */
    private readonly gzipLevel = 6,
  ) {}

  /** The batch buffer, reused from batch to batch and page to page (gzip copies out of it). */
  private scratch = EMPTY;

  /** Starts a page (discarding an unfinished one). */
  beginPage(): void {
    this.page = { out: [], batch: this.scratch, batchBytes: 0, uncompressed: 0 };
  }

  /** Adds one record's JSON, `json[start, end)` (no line break inside), copied into the page's current batch. */
  add(json: Buffer, start = 0, end = json.length): void {
    const p = this.page!;
    const len = end - start;
    const need = len + 1;
    if (p.batchBytes + need > p.batch.length) {
      this.compress(p);
      if (need > p.batch.length) this.scratch = p.batch = Buffer.allocUnsafe(Math.max(BATCH_BYTES, need));
    }
    json.copy(p.batch, p.batchBytes, start, end);
    p.batch[p.batchBytes + len] = 0x0a;
    p.batchBytes += need;
  }

  /** Compresses the current batch into one gzip member of the page. */
  private compress(p: OpenPage): void {
    if (p.batchBytes === 0) return;
    p.out.push(gzipSync(p.batch.subarray(0, p.batchBytes), { level: this.gzipLevel }));
    p.uncompressed += p.batchBytes;
    p.batchBytes = 0;
  }

  /** Kept for callers that yield between chunks; compression happens in `add` and `commitPage`. */
  async flush(force = false): Promise<void> {
    if (force && this.page) this.compress(this.page);
  }

  /** Appends the finished page (if it has records) to the current file; rotates by size. */
  async commitPage(records: number): Promise<void> {
    const p = this.page;
    if (!p) return;
    if (records === 0) {
      this.abortPage();
      return;
    }
    this.compress(p);
    this.page = undefined;
    const f = this.current ?? this.open();
    if (f.failed) throw f.failed;
    f.records += records;
    f.uncompressed += p.uncompressed;
    for (const c of p.out) {
      f.hash.update(c);
      f.compressed += c.length;
      if (!f.body.write(c)) await this.drained(f);
    }
    if (f.failed) throw f.failed;
    if (f.uncompressed >= this.maxBytes) await this.finish();
  }

  /** Forgets the page being written. */
  abortPage(): void {
    this.page = undefined;
  }

  private drained(f: OpenFile): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        f.body.off("drain", done);
        f.body.off("close", done);
        if (f.failed) reject(f.failed);
        else resolve();
      };
      f.body.once("drain", done);
      f.body.once("close", done);
    });
  }

  private open(): OpenFile {
    const key = this.keyFor(this.index++);
    const body = new PassThrough({ highWaterMark: 1024 * 1024 });
    const f = {
      key,
      body,
      records: 0,
      uncompressed: 0,
      compressed: 0,
      hash: createHash("sha256"),
    } as OpenFile;
    this.started.push(key);
    f.upload = this.store.upload(key, body, "application/gzip");
    // A failed upload closes the stream, so a write waiting for "drain" rejects instead of hanging
    // until the Lambda times out; the failure surfaces at the next write, close or abort.
    f.upload.catch((e) => {
      f.failed ??= e instanceof Error ? e : new Error(String(e));
      body.destroy();
    });
    this.current = f;
    return f;
  }

  private async finish(): Promise<void> {
    const f = this.current;
    if (!f) return;
    this.current = undefined;
    f.body.end();
    await f.upload;
    this.done.push({
      key: f.key,
      records: f.records,
      bytes: f.compressed,
      uncompressedBytes: f.uncompressed,
      sha256: f.hash.digest("hex"),
    });
  }

  /** Finishes the open file and returns every file written. */
  async close(): Promise<WrittenFile[]> {
    this.abortPage();
    await this.finish();
    return [...this.done];
  }

  /** Stops writing and deletes whatever was uploaded (best effort). */
  async abort(): Promise<void> {
    this.abortPage();
    const f = this.current;
    this.current = undefined;
    if (f) {
      f.failed ??= new Error("aborted");
      f.body.destroy();
      await f.upload.catch(() => undefined);
    }
    await this.store.delete(this.started).catch(() => undefined);
  }
}
