/**
 * Streams JSON Lines into gzip files, rotating by uncompressed size, each uploaded as it is
 * written (multipart through the ObjectStore). Memory stays flat: nothing is buffered beyond the
 * current page and the stream buffers. Each file's SHA-256 is computed on the bytes uploaded.
 */
import { createHash } from "node:crypto";
import { Transform } from "node:stream";
import { constants, createGzip, type Gzip } from "node:zlib";
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
  gzip: Gzip;
  records: number;
  uncompressed: number;
  compressed: number;
  hash: ReturnType<typeof createHash>;
  upload: Promise<UploadResult>;
  tap?: Transform;
  /** First error of the gzip stream, the tap or the upload. */
  failed?: Error;
}

/** Resolves when the gzip stream can take more, rejects when the file failed meanwhile. */
function drained(f: OpenFile): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      f.gzip.off("drain", done);
      f.gzip.off("close", done);
      if (f.failed) reject(f.failed);
      else resolve();
    };
    f.gzip.once("drain", done);
    f.gzip.once("close", done);
  });
}

export class RotatingGzipWriter {
  private current?: OpenFile;
  private readonly done: WrittenFile[] = [];
  private readonly started: string[] = [];
  private index = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly keyFor: (index: number) => string,
    /** Rotate after this many uncompressed bytes. */
    private readonly maxBytes: number,
    private readonly gzipLevel = 6,
  ) {}

  /** Writes already-serialized lines (each ending in "\n") holding `records` records. */
  async write(lines: string, records: number): Promise<void> {
    if (records === 0) return;
    const f = this.current ?? this.open();
    if (f.failed) throw f.failed;
    f.records += records;
    f.uncompressed += Buffer.byteLength(lines);
    if (!f.gzip.write(lines)) await drained(f);
    if (f.failed) throw f.failed;
    if (f.uncompressed >= this.maxBytes) await this.finish();
  }

  private open(): OpenFile {
    const key = this.keyFor(this.index++);
    const gzip = createGzip({ level: this.gzipLevel, strategy: constants.Z_DEFAULT_STRATEGY });
    const hash = createHash("sha256");
    const f = { key, gzip, records: 0, uncompressed: 0, compressed: 0, hash } as OpenFile;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        f.compressed += chunk.length;
        cb(null, chunk);
      },
    });
    const fail = (e: unknown) => {
      f.failed ??= e instanceof Error ? e : new Error(String(e));
    };
    f.tap = tap;
    gzip.on("error", fail);
    tap.on("error", fail);
    gzip.pipe(tap);
    this.started.push(key);
    f.upload = this.store.upload(key, tap, "application/gzip");
    // A failed upload closes the streams, so a write waiting for "drain" rejects instead of hanging
    // until the Lambda times out; the failure surfaces at the next write, close or abort.
    f.upload.catch((e) => {
      fail(e);
      gzip.destroy();
      tap.destroy();
    });
    this.current = f;
    return f;
  }

  private async finish(): Promise<void> {
    const f = this.current;
    if (!f) return;
    this.current = undefined;
    f.gzip.end();
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
    await this.finish();
    return [...this.done];
  }

  /** Stops writing and deletes whatever was uploaded (best effort). */
  async abort(): Promise<void> {
    const f = this.current;
    this.current = undefined;
    if (f) {
      f.failed ??= new Error("aborted");
      f.gzip.destroy();
      f.tap?.destroy();
      await f.upload.catch(() => undefined);
    }
    await this.store.delete(this.started).catch(() => undefined);
  }
}
