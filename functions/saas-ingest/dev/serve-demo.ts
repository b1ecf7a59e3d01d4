/**
 * CLI: serves the demo SaaS API on loopback and prints `{"url": ...}`; stops when stdin closes.
 * `--prebuild /cursor` builds that path's pages before printing the URL (bench:ingest, so the
 * figures are the handler's and not this server's JSON.stringify).
 */
import { cliArgs } from "../../../scripts/lib/args";
import { DemoSaasServer } from "./demo-saas-server";

const { values } = cliArgs({
  command: "node --require ./scripts/lib/ts-hook.cjs functions/saas-ingest/dev/serve-demo.ts",
  summary: "Serves the demo SaaS API on loopback and prints its URL as one JSON line.",
  flags: {
    total: { type: "number", description: "records in the data set", default: 1000, min: 0, integer: true },
    "page-size": { type: "number", description: "records per page", default: 100, min: 1, integer: true },
    token: { type: "string", description: "required bearer token or x-api-key (default: none)" },
    prebuild: {
      type: "string",
      description: "build every page of this path in memory before serving",
      choices: ["/none", "/cursor", "/page", "/offset"],
    },
  },
});
const server = new DemoSaasServer({
  total: values.total,
  pageSize: values["page-size"],
  token: values.token || undefined,
});
if (values.prebuild) server.prebuild(values.prebuild as "/none" | "/cursor" | "/page" | "/offset");
server.start().then((url) => process.stdout.write(`${JSON.stringify({ url })}\n`));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
