/**
 * `npm run ops -- <command> [options]`: run, rerun and inspect the batches of an environment.
 *
 *   status   [--env E | --local] [--json]
 *   run      <id> [--date YYYY-MM-DD] [--wait] [--env E | --local]
 *   backfill <id>... --from D --to D [--concurrency N] [--keep-going] [--force] [--with-dependants] [--env E | --local]
 *   runs     <id> [--limit N] [--env E | --local]
 *   session  [--env E]
 *
 * With `--env` (default dev) it uses your AWS credentials (profile/SSO/env); with `--local` the
 * local stand-ins and the real function code (state kept in `.ops-local/` between commands).
 */
import { spawnSync } from "node:child_process";
import { type Cli, type Flag, type Flags, HelpRequested, parseCli, UsageError } from "./lib/args";
import type { OpsBackend } from "./ops/backend";
import type { Output } from "./ops/commands";
import { OpsError } from "./ops/errors";

// Arguments are parsed before anything heavy loads (the configuration, the AWS SDK): a typo or
// --help answers at once. The modules that run a command load when it runs.
const USAGE = `usage: npm run ops -- <command> [options]
  status   [--env E | --local] [--json]
  run      <id> [--date YYYY-MM-DD] [--wait] [--env E | --local]
  backfill <id>... --from YYYY-MM-DD --to YYYY-MM-DD [--concurrency N] [--keep-going] [--force] [--with-dependants] [--env E | --local]
  runs     <id> [--limit N] [--env E | --local]
  session  [--env E]`;

const COMMANDS = ["status", "run", "backfill", "runs", "session"] as const;
type Command = (typeof COMMANDS)[number];

const WHERE = {
  env: { type: "string", description: "environment (your AWS credentials)", placeholder: "E" },
  local: { type: "boolean", description: "the local stand-ins and the real function code" },
  dir: { type: "string", description: "state folder of --local", placeholder: "DIR" },
} as const satisfies Flags;
const JSON_FLAG = { type: "boolean", description: "print JSON" } as const satisfies Flag;
const ids = (min: number, max: number) => ({ name: "id", description: "a source or transform id", min, max });
/** Each command's flags and ids, parsed by the shared scripts/lib/args.ts. */
const CLIS: Record<Command, Cli<Flags>> = {
  status: {
    command: "npm run ops -- status",
    summary: "Every batch of the environment: last run, state, next schedule.",
    flags: { ...WHERE, json: JSON_FLAG },
  },
  run: {
    command: "npm run ops -- run",
    summary: "Starts one batch now (for a date), optionally waiting for its result.",
    flags: {
      ...WHERE,
      json: JSON_FLAG,
      date: { type: "string", description: "run date", placeholder: "YYYY-MM-DD" },
      wait: { type: "boolean", description: "wait for the run to finish" },
    },
    positionals: ids(1, 1),
  },
  backfill: {
    command: "npm run ops -- backfill",
    summary: "Runs batches for every date of a range, sources before the transforms that read them.",
    flags: {
      ...WHERE,
      json: JSON_FLAG,
      from: { type: "string", description: "first date", placeholder: "YYYY-MM-DD", required: true },
      to: { type: "string", description: "last date", placeholder: "YYYY-MM-DD", required: true },
      concurrency: { type: "string", description: "dates at once (1-16, default 1)", placeholder: "N" },
      "keep-going": { type: "boolean", description: "continue past a failed date" },
      force: { type: "boolean", description: "rerun dates that already succeeded" },
      "with-dependants": { type: "boolean", description: "also the transforms that read these ids" },
    },
    positionals: ids(1, Number.POSITIVE_INFINITY),
  },
  runs: {
    command: "npm run ops -- runs",
    summary: "The recent runs of one batch.",
    flags: {
      ...WHERE,
      json: JSON_FLAG,
      limit: { type: "string", description: "how many (1-1000, default 10)", placeholder: "N" },
    },
    positionals: ids(1, 1),
  },
  session: {
    command: "npm run ops -- session",
    summary: "Opens an SSM session on the environment's agent host.",
    flags: { env: WHERE.env },
  },
};

export { HelpRequested, UsageError };

export interface OpsArgs {
  command: Command;
  ids: string[];
  flags: Record<string, string | true>;
}

/** Parses `<command> [ids] [options]`; throws UsageError (names the command) or HelpRequested. */
export function parseOpsArgs(argv: string[]): OpsArgs {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h")
    throw new HelpRequested(
      `Runs, reruns and inspects the batches of an environment.\n\n${USAGE}\n\n  -h, --help  this help; after a command, that command's options\n`,
    );
  if (command.startsWith("-"))
    throw new UsageError(`unknown option '${command}' before the command (options follow it)`);
  if (!COMMANDS.includes(command as Command)) throw new UsageError(`unknown command "${command}"`);
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(CLIS[command as Command], rest);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${command}: ${e.message}`);
    throw e;
  }
  const flags: Record<string, string | true> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    if (value === true) flags[`--${name}`] = true;
    else if (typeof value === "string") flags[`--${name}`] = value;
  }
  if (flags["--local"] && flags["--env"]) throw new UsageError("--local and --env exclude each other");
  return { command: command as Command, ids: parsed.positionals, flags };
}

function positiveInt(v: string | true | undefined, flag: string, fallback: number, max: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new OpsError(`${flag} must be an integer from 1 to ${max} (got "${v}")`);
  return n;
}

async function openBackend(a: OpsArgs, local: LocalHooks): Promise<OpsBackend> {
  const { configuredSources } = require("./ops/catalog") as typeof import("./ops/catalog");
  const sources = configuredSources();
  const sourcePrefix = (id: string) => String(sources.find((s) => s.id === id)?.settings.target.prefix ?? id);
  if (a.flags["--local"]) {
    const { openLocalBackend } = require("./ops/local") as typeof import("./ops/local");
    return openLocalBackend({ ...local, dir: String(a.flags["--dir"] ?? ".ops-local") });
  }
  const env = await environment(String(a.flags["--env"] ?? "dev"));
  const { openAwsBackend } = require("./ops/aws") as typeof import("./ops/aws");
  return openAwsBackend(env, sourcePrefix);
}

async function environment(name: string) {
  const { loadAppConfig } = require("../config") as typeof import("../config");
  const all = loadAppConfig({ select: undefined, stateOverride: undefined }).allEnvironments;
  const env = all.find((e) => e.name === name);
  if (!env)
    throw new OpsError(`unknown environment "${name}" (configured: ${all.map((e) => e.name).join(", ")})`);
  return { env: env.name, prefix: env.prefix, accountId: env.aws.accountId, region: env.aws.region };
}

async function session(a: OpsArgs, io: Output): Promise<number> {
  const env = await environment(String(a.flags["--env"] ?? "dev"));
  const hostName = `${env.prefix}-${env.env}-iics-agent`;
  const { DescribeInstanceInformationCommand, SSMClient } =
    require("@aws-sdk/client-ssm") as typeof import("@aws-sdk/client-ssm");
  const ssm = new SSMClient({ region: env.region });
  let instanceId: string | undefined;
  try {
    const r = await ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: "tag:Name", Values: [hostName] }] }),
    );
    instanceId = r.InstanceInformationList?.[0]?.InstanceId;
  } catch (e) {
    throw new OpsError(
      `${env.env}: cannot look up the agent host ${hostName} in SSM: ${(e as Error).message}`,
    );
  }
  if (!instanceId)
    throw new OpsError(
      `${env.env}: no SSM-managed instance tagged Name=${hostName} (is the host running and its SSM agent online?)`,
    );
  const command = ["aws", "ssm", "start-session", "--region", env.region, "--target", instanceId];
  const has = (bin: string) => spawnSync(bin, ["--version"], { stdio: "ignore" }).status === 0;
  if (!has("aws") || !has("session-manager-plugin")) {
    io.out("The AWS CLI and its Session Manager plugin are needed to open the session. Run:");
    io.out(`  ${command.join(" ")}`);
    return 0;
  }
  return spawnSync(command[0], command.slice(1), { stdio: "inherit" }).status ?? 1;
}

/** What a caller (the tests) may change about `--local`: how its servers start. */
export type LocalHooks = Pick<import("./ops/local").LocalOptions, "servers">;

export async function main(argv: string[], io: Output, local: LocalHooks = {}): Promise<number> {
  const a = parseOpsArgs(argv);
  if (a.command === "session") return session(a, io);
  const { findEntry, loadCatalog } = require("./ops/catalog") as typeof import("./ops/catalog");
  const { backfillEntries, run, runBackfill, runs, runText, status, statusText } =
    require("./ops/commands") as typeof import("./ops/commands");
  const { dateRange, parseDate } = require("./ops/dates") as typeof import("./ops/dates");
  const catalog = loadCatalog();
  const json = a.flags["--json"] === true;
  const date = a.flags["--date"] === undefined ? undefined : parseDate(String(a.flags["--date"]), "--date");
  // Validate every argument before anything starts.
  const where = a.flags["--local"] ? "the local catalog" : `environment ${a.flags["--env"] ?? "dev"}`;
  const entries = a.ids.map((id) => findEntry(catalog, id, where));
  const backfillArgs =
    a.command === "backfill"
      ? {
          ids: a.ids,
          from: parseDate(a.flags["--from"] as string | undefined, "--from"),
          to: parseDate(a.flags["--to"] as string | undefined, "--to"),
          concurrency: positiveInt(a.flags["--concurrency"], "--concurrency", 1, 16),
          keepGoing: a.flags["--keep-going"] === true,
          force: a.flags["--force"] === true,
          withDependants: a.flags["--with-dependants"] === true,
        }
      : undefined;
  const limit = positiveInt(a.flags["--limit"], "--limit", 10, 1000);
  if (backfillArgs) {
    // Refuse a bad range or an unsafe selection before anything starts.
    dateRange(backfillArgs.from, backfillArgs.to);
    backfillEntries(catalog, backfillArgs, where);
  }
  const backend = await openBackend(a, local);
  try {
    switch (a.command) {
      case "status": {
        const rows = await status(backend, catalog);
        for (const l of json
          ? [JSON.stringify({ where: backend.where, batches: rows })]
          : statusText(rows, backend.where))
          io.out(l);
        return 0;
      }
      case "run": {
        const r = await run(
          backend,
          entries[0],
          date,
          a.flags["--wait"] === true || a.flags["--local"] === true,
        );
        io.out(json ? JSON.stringify(r) : runText(r));
        return r.status === "failed" ? 1 : 0;
      }
      case "runs": {
        if (json) io.out(JSON.stringify(await backend.history.runs(entries[0], limit)));
        else for (const l of await runs(backend, entries[0], limit)) io.out(l);
        return 0;
      }
      case "backfill": {
        const report = await runBackfill(
          backend,
          catalog,
          backfillArgs as NonNullable<typeof backfillArgs>,
          json ? { ...io, out: () => {} } : io,
        );
        if (json) io.out(JSON.stringify(report));
        return report.failed.length ? 1 : 0;
      }
    }
  } finally {
    await backend.close();
  }
  return 0;
}

if (require.main === module) {
  const tty = process.stderr.isTTY;
  const io: Output = {
    out: (l) => {
      if (tty) process.stderr.write("\r\x1b[K");
      console.log(l);
    },
    progress: (l) => (tty ? process.stderr.write(`\r\x1b[K${l}`) : console.error(l)),
  };
  main(process.argv.slice(2), io)
    .then((code) => {
      process.exitCode = code;
    })
    .catch((e) => {
      if (e instanceof HelpRequested) {
        process.stdout.write(e.message);
      } else if (e instanceof UsageError) {
        console.error(`ops: ${e.message}\n${USAGE}\n(npm run ops -- <command> --help for its options)`);
        process.exitCode = 2;
      } else {
        console.error(`ops: ${e instanceof OpsError ? e.message : (e as Error).stack}`);
        process.exitCode = 1;
      }
    });
}
