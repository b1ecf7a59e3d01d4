/** ObjectStore on one S3 bucket: multipart streaming uploads (lib-storage), copy, delete. */

import type { Readable } from "node:stream";
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { StorageError } from "../core/errors";
import type { ObjectStore, UploadResult } from "../core/ports";

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

  async put(key: string, body: string, contentType: string): Promise<void> {
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
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 || (e as Error).name === "NotFound" || (e as Error).name === "NoSuchKey")
        return false;
      this.fail("head", key, e);
    }
  }
}
