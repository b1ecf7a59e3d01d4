/**
 * Starts real local AWS protocol servers in this process and prints their endpoints as one JSON
 * line: s3rver (S3) and dynalite (DynamoDB). Runs until killed: the command for a person, with
 * --help. The servers are scripts/lib/local-servers.js, which `ops --local`, `bench:ingest` and the
 * tests start directly as a child process (plain node, no TypeScript loader).
 *
 *   node --require ./scripts/lib/ts-hook.cjs scripts/local-aws.ts [--bucket NAME ...] [--dir DIR]
 */
import { cliArgs } from "./lib/args";
import { type LocalEndpoints, startServers } from "./lib/local-servers";

export { type LocalEndpoints, startServers };

if (require.main === module) {
  const { values } = cliArgs({
    command: "node --require ./scripts/lib/ts-hook.cjs scripts/local-aws.ts",
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
