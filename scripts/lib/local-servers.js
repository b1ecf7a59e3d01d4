// Real local AWS protocol servers: s3rver (S3) and dynalite (DynamoDB), in this process.
// `startServers` is what scripts/local-aws.ts, ingest:local, curate:local and reconcile:local use.
// Run directly (`node scripts/lib/local-servers.js [--bucket NAME ...] [--dir DIR]`) it prints the
// endpoints as one JSON line and runs until stdin closes or it is killed: the child process the
// tests start once per file. Plain JavaScript so that child needs no TypeScript loader; `npm
// run`-facing flags and help live in scripts/local-aws.ts.
const { mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

/**
 * @param {string[]} buckets
 * @param {string} [dir]
 * @param {{ s3: number, dynamodb: number }} [ports]
 */
async function startServers(buckets, dir, ports = { s3: 0, dynamodb: 0 }) {
  const S3rver = require("s3rver");
  const dynalite = require("dynalite");
  const directory = dir ?? mkdtempSync(join(tmpdir(), "s3rver-"));
  const s3 = new S3rver({
    port: ports.s3,
    address: "127.0.0.1",
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const s3Address = await s3.run();
  const ddb = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  try {
    await new Promise((resolve, reject) => {
      ddb.once("error", reject); // e.g. the port is taken
      ddb.listen(ports.dynamodb, "127.0.0.1", resolve);
    });
  } catch (e) {
    await s3.close();
    throw e;
  }
  const endpoints = {
    s3: `http://127.0.0.1:${s3Address.port}`,
    dynamodb: `http://127.0.0.1:${ddb.address().port}`,
    dir: directory,
  };
  return {
    endpoints,
    close: () => Promise.all([s3.close(), new Promise((r) => ddb.close(r))]),
  };
}

module.exports = { startServers };

if (require.main === module) {
  const { parseArgs } = require("node:util");
  let values;
  try {
    ({ values } = parseArgs({
      options: { bucket: { type: "string", multiple: true, default: [] }, dir: { type: "string" } },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`error: ${e.message}\nusage: node scripts/lib/local-servers.js [--bucket <name>]... [--dir <dir>]\n`);
    process.exit(2);
  }
  startServers(values.bucket, values.dir).then(
    ({ endpoints }) => process.stdout.write(`${JSON.stringify(endpoints)}\n`),
    (e) => {
      process.stderr.write(`local servers did not start: ${e.stack ?? e}\n`);
      process.exit(1);
    },
  );
  // Stop with the parent.
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
}
