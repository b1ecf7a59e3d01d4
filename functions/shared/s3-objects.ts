/**
 * Object storage for pipeline functions: the `ObjectStore` port (what a core needs) and
 * `S3ObjectStore`, its adapter on one S3 bucket (multipart streaming uploads through lib-storage,
 * server-side copy, batch delete, head, read, list). Every failure is a `StorageError` naming the
 * operation and the `s3://bucket/key`.
 */

import type { Readable } from "node:stream";
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { StorageError } from "./errors";

export interface UploadResult {
  key: string;
  bytes: number;
}

export interface ObjectStore {
  /** Streams `body` to `key` (multipart for large bodies). */
  upload(key: string, body: Readable, contentType: string): Promise<UploadResult>;
  copy(fromKey: string, toKey: string): Promise<void>;
  put(key: string, body: string | Uint8Array, contentType: string): Promise<void>;
  delete(keys: string[]): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** The object's body as UTF-8 text, or undefined when it does not exist. */
  getText?(key: string): Promise<string | undefined>;
  /** The object's bytes, or undefined when it does not exist. */
  getBytes?(key: string): Promise<Buffer | undefined>;
  /** Every key under `prefix`, sorted. */
  list?(prefix: string): Promise<string[]>;
}

export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly bucket: string,
    private readonly client: S3Client = new S3Client({}),
    /** Multipart part size. @default 8 MiB */
    private readonly partSize = 8 * 1024 * 1024,
  ) {}

  private fail(op: string, key: string, e: unknown): never {
    throw new StorageError(`S3 ${op} s3://${this.bucket}/${key} failed: ${(e as Error).message}`, {
      cause: e,
    });
  }

  async upload(key: string, body: Readable, contentType: string): Promise<UploadResult> {
    let bytes = 0;
    body.on("data", (c: Buffer) => {
      bytes += c.length;
    });
    try {
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType },
        partSize: this.partSize,
        queueSize: 2,
        leavePartsOnError: false,
      });
      await upload.done();
      return { key, bytes };
    } catch (e) {
      this.fail("upload", key, e);
    }
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: toKey,
          CopySource: `${this.bucket}/${fromKey.split("/").map(encodeURIComponent).join("/")}`,
        }),
      );
    } catch (e) {
      this.fail("copy to", toKey, e);
    }
  }

  async put(key: string, body: string | Uint8Array, contentType: string): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
      );
    } catch (e) {
      this.fail("put", key, e);
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000);
      try {
        const r = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        if (r.Errors?.length) throw new Error(r.Errors.map((x) => `${x.Key}: ${x.Code}`).join(", "));
      } catch (e) {
        this.fail("delete", chunk[0], e);
      }
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (e) {
      if (notFound(e)) return false;
      this.fail("head", key, e);
    }
  }

  async getBytes(key: string): Promise<Buffer | undefined> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return Buffer.from(await r.Body!.transformToByteArray());
    } catch (e) {
      if (notFound(e)) return undefined;
      this.fail("get", key, e);
    }
  }

  async getText(key: string): Promise<string | undefined> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await r.Body!.transformToString("utf8");
    } catch (e) {
      if (notFound(e)) return undefined;
      this.fail("get", key, e);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const r = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of r.Contents ?? []) if (o.Key) keys.push(o.Key);
        token = r.NextContinuationToken;
      } while (token);
    } catch (e) {
      this.fail("list", prefix, e);
    }
    return keys.sort();
  }
}

function notFound(e: unknown): boolean {
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 404 || (e as Error).name === "NotFound" || (e as Error).name === "NoSuchKey";
}
