/**
 * Starts real local AWS protocol servers in this process and prints their endpoints as one JSON
 * line: s3rver (S3) and dynalite (DynamoDB). Runs until killed. Used by tests (in a child process,
 * so that Terraform run synchronously by a test never blocks them) and by `npm run ingest:local`.
 *
 *   node --import tsx scripts/local-aws.ts [--bucket NAME ...] [--dir DIR]
 */
import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliArgs } from "./lib/args";

export interface LocalEndpoints {
  s3: string;
  dynamodb: string;
  dir: string;
}

export async function startServers(buckets: string[], dir?: string, ports = { s3: 0, dynamodb: 0 }) {
  // Loaded here, not at the top: about 0.5 s of CPU that a refused command line does not need.
  // biome-ignore lint/suspicious/noExplicitAny: untyped package
  const S3rver: any = require("s3rver");
  // biome-ignore lint/suspicious/noExplicitAny: untyped package
  const dynalite: any = require("dynalite");
  const directory = dir ?? mkdtempSync(join(tmpdir(), "s3rver-"));
  const s3 = new S3rver({
    port: ports.s3,
    address: "127.0.0.1",
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const s3Address = (await s3.run()) as AddressInfo;
  const ddb = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => ddb.listen(ports.dynamodb, "127.0.0.1", resolve));
  const endpoints: LocalEndpoints = {
    s3: `http://127.0.0.1:${s3Address.port}`,
    dynamodb: `http://127.0.0.1:${(ddb.address() as AddressInfo).port}`,
    dir: directory,
  };
  return {
    endpoints,
    close: () => Promise.all([s3.close(), new Promise((r) => ddb.close(r))]),
  };
}

if (require.main === module) {
  const { values } = cliArgs({
    command: "node --import tsx scripts/local-aws.ts",
    summary: "Starts s3rver + dynalite, prints their endpoints as one JSON line, stops when stdin closes.",
    flags: {
      bucket: { type: "string", description: "bucket to create", multiple: true, placeholder: "name" },
      dir: {
        type: "string",
        description: "where the servers keep their files (default: a temporary folder)",
      },
    },
  });
  const buckets = values.bucket;
  const dir = values.dir;
  startServers(buckets, dir).then(({ endpoints }) => {
    process.stdout.write(`${JSON.stringify(endpoints)}\n`);
  });
  // Stop with the parent.
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
}
