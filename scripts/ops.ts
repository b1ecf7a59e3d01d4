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
import { DescribeInstanceInformationCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { OpsBackend } from "./ops/backend";
import { configuredSources, findEntry, loadCatalog, OpsError } from "./ops/catalog";
import {
  backfillEntries,
  type Output,
  run,
  runBackfill,
  runs,
  runText,
  status,
  statusText,
} from "./ops/commands";
import { dateRange, parseDate } from "./ops/dates";

const USAGE = `usage: npm run ops -- <command> [options]
  status   [--env E | --local] [--json]
  run      <id> [--date YYYY-MM-DD] [--wait] [--env E | --local]
  backfill <id>... --from YYYY-MM-DD --to YYYY-MM-DD [--concurrency N] [--keep-going] [--force] [--with-dependants] [--env E | --local]
  runs     <id> [--limit N] [--env E | --local]
  session  [--env E]`;

const COMMANDS = ["status", "run", "backfill", "runs", "session"] as const;
type Command = (typeof COMMANDS)[number];
const FLAGS: Record<string, "value" | "switch"> = {
  "--env": "value",
  "--local": "switch",
  "--json": "switch",
  "--date": "value",
  "--wait": "switch",
  "--from": "value",
  "--to": "value",
  "--concurrency": "value",
  "--keep-going": "switch",
  "--force": "switch",
  "--with-dependants": "switch",
  "--limit": "value",
  "--dir": "value",
};
const ALLOWED: Record<Command, string[]> = {
  status: ["--env", "--local", "--json", "--dir"],
  run: ["--env", "--local", "--date", "--wait", "--json", "--dir"],
  backfill: [
    "--env",
    "--local",
    "--from",
    "--to",
    "--concurrency",
    "--keep-going",
    "--force",
    "--with-dependants",
    "--json",
    "--dir",
  ],
  runs: ["--env", "--local", "--limit", "--json", "--dir"],
  session: ["--env"],
};

export class UsageError extends Error {}

export interface OpsArgs {
  command: Command;
  ids: string[];
  flags: Record<string, string | true>;
}

export function parseOpsArgs(argv: string[]): OpsArgs {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h") throw new UsageError("");
  if (!COMMANDS.includes(command as Command)) throw new UsageError(`unknown command "${command}"`);
  const ids: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] = rest[i].split(/=(.*)/s, 2);
    if (!flag.startsWith("-")) {
      ids.push(rest[i]);
      continue;
    }
    if (!(flag in FLAGS) || !ALLOWED[command as Command].includes(flag))
      throw new UsageError(`${command}: unknown option "${flag}"`);
    if (FLAGS[flag] === "switch") {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
      flags[flag] = true;
    } else {
      const v = inline ?? rest[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
      flags[flag] = v;
    }
  }
  if (flags["--local"] && flags["--env"]) throw new UsageError("--local and --env exclude each other");
  const needsId = { status: 0, session: 0, run: 1, runs: 1, backfill: -1 }[command as Command];
  if (needsId === 0 && ids.length) throw new UsageError(`${command} takes no id (got ${ids.join(" ")})`);
  if (needsId === 1 && ids.length !== 1) throw new UsageError(`${command} takes exactly one id`);
  if (needsId === -1 && ids.length === 0) throw new UsageError("backfill needs at least one id");
  return { command: command as Command, ids, flags };
}

function positiveInt(v: string | true | undefined, flag: string, fallback: number, max: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new OpsError(`${flag} must be an integer from 1 to ${max} (got "${v}")`);
  return n;
}

async function openBackend(a: OpsArgs): Promise<OpsBackend> {
  const sources = configuredSources();
  const sourcePrefix = (id: string) => String(sources.find((s) => s.id === id)?.settings.target.prefix ?? id);
  if (a.flags["--local"]) {
    const { openLocalBackend } = await import("./ops/local");
    return openLocalBackend({ dir: String(a.flags["--dir"] ?? ".ops-local") });
  }
  const env = await environment(String(a.flags["--env"] ?? "dev"));
  const { openAwsBackend } = await import("./ops/aws");
  return openAwsBackend(env, sourcePrefix);
}

async function environment(name: string) {
  const { loadAppConfig } = await import("../config");
  const all = loadAppConfig({ select: undefined, stateOverride: undefined }).allEnvironments;
  const env = all.find((e) => e.name === name);
  if (!env)
    throw new OpsError(`unknown environment "${name}" (configured: ${all.map((e) => e.name).join(", ")})`);
  return { env: env.name, prefix: env.prefix, accountId: env.aws.accountId, region: env.aws.region };
}

async function session(a: OpsArgs, io: Output): Promise<number> {
  const env = await environment(String(a.flags["--env"] ?? "dev"));
  const hostName = `${env.prefix}-${env.env}-iics-agent`;
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

export async function main(argv: string[], io: Output): Promise<number> {
  const a = parseOpsArgs(argv);
  if (a.command === "session") return session(a, io);
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
  const backend = await openBackend(a);
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
      if (e instanceof UsageError) {
        if (e.message) console.error(`ops: ${e.message}`);
        console.error(USAGE);
        process.exitCode = e.message ? 2 : 0;
      } else {
        console.error(`ops: ${e instanceof OpsError ? e.message : (e as Error).stack}`);
        process.exitCode = 1;
      }
    });
}
