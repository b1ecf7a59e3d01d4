import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServers } from "../lib/local-servers";
import { HelpRequested, main, parseOpsArgs, UsageError } from "../ops";
import type { OpsBackend, RunRecord } from "./backend";
import { backfill, progressLine, reportText } from "./backfill";
import { type BatchEntry, dependencyOrder, findEntry, loadCatalog } from "./catalog";
import { backfillEntries } from "./commands";
import { dateRange, nextRun, parseDate, today } from "./dates";
import { type LocalServers, openLocalBackend } from "./local";

const entry = (id: string, dependsOn: string[] = [], kind: BatchEntry["kind"] = "source"): BatchEntry => ({
  id,
  kind,
  dependsOn,
  incremental: false,
});

describe("ops arguments", () => {
  it("refuses what it does not know, naming it", () => {
    expect(() => parseOpsArgs([])).toThrow(HelpRequested);
    expect(() => parseOpsArgs(["stauts"])).toThrow(UsageError);
    expect(() => parseOpsArgs(["stauts"])).toThrow('unknown command "stauts"');
    expect(() => parseOpsArgs(["status", "--envv", "dev"])).toThrow("status: unknown option '--envv'");
    expect(() => parseOpsArgs(["run", "a", "--from", "2026-01-01"])).toThrow("run: unknown option '--from'");
    expect(() => parseOpsArgs(["run"])).toThrow("run: missing <id>");
    expect(() => parseOpsArgs(["run", "a", "b"])).toThrow("run: too many arguments: at most 1 <id>, got 2");
    expect(() => parseOpsArgs(["status", "x"])).toThrow('status: unexpected argument "x"');
    expect(() => parseOpsArgs(["backfill", "a", "--from", "2026-01-01"])).toThrow(
      "backfill: --to is required",
    );
    expect(() => parseOpsArgs(["status", "--local", "--env", "dev"])).toThrow("exclude each other");
    expect(() => parseOpsArgs(["run", "a", "--date"])).toThrow("run: --date needs a value");
    expect(() => parseOpsArgs(["status", "--json=yes"])).toThrow("status: --json takes no value");
    expect(() => parseOpsArgs(["run", "a", "--help"])).toThrow(
      /^Starts one batch now.*\n\nusage: npm run ops -- run /s,
    );
    expect(
      parseOpsArgs(["backfill", "a", "b", "--from=2026-01-01", "--to", "2026-01-02", "--keep-going"]),
    ).toEqual({
      command: "backfill",
      ids: ["a", "b"],
      flags: { "--from": "2026-01-01", "--to": "2026-01-02", "--keep-going": true },
    });
  });

  it("checks dates and ranges", () => {
    expect(() => parseDate("2026-02-30", "--date")).toThrow("--date: 2026-02-30 is not a calendar date");
    expect(() => parseDate("26-01-01", "--from")).toThrow("--from must be a date YYYY-MM-DD");
    expect(() => parseDate("1999-12-31", "--to")).toThrow("outside 2000-2099");
    expect(dateRange("2026-02-27", "2026-03-01")).toEqual(["2026-02-27", "2026-02-28", "2026-03-01"]);
    expect(() => dateRange("2026-03-01", "2026-02-01")).toThrow(
      "--to 2026-02-01 is before --from 2026-03-01",
    );
    expect(today("Asia/Tokyo", new Date("2026-11-28T15:30:00Z"))).toBe("2026-11-29");
    expect(today("UTC", new Date("2026-11-28T15:30:00Z"))).toBe("2026-11-28");
  });

  it("finds the next scheduled time in the schedule's zone", () => {
    const now = new Date("2026-11-28T22:11:45Z"); // 07:11:45 JST on the 29th
    expect(nextRun("cron(0 3 * * ? *)", "Asia/Tokyo", now)?.toISOString()).toBe("2026-11-29T18:00:00.000Z");
    expect(nextRun("cron(30 9 * * ? *)", "Asia/Tokyo", now)?.toISOString()).toBe("2026-11-29T00:30:00.000Z");
    expect(nextRun("cron(0 3 ? * MON *)", "Asia/Tokyo", now)?.toISOString()).toBe("2026-11-29T18:00:00.000Z");
    expect(nextRun("cron(0/15 * * * ? *)", "UTC", now)?.toISOString()).toBe("2026-11-28T22:15:00.000Z");
    expect(nextRun("rate(1 hour)", "UTC", now)).toBeUndefined();
  });

  it("names the known ids when one is unknown", () => {
    const catalog = loadCatalog();
    expect(() => findEntry(catalog, "demo_order", "environment dev")).toThrow(
      /unknown id "demo_order" in environment dev\. Known: sources demo_orders, demo_customers/,
    );
  });
});

describe("backfill planning", () => {
  it("runs transforms after the sources they read, and refuses cycles", () => {
    const order = dependencyOrder([
      entry("t2", ["t1"], "transform"),
      entry("t1", ["s1", "s2"], "transform"),
      entry("s1"),
      entry("s2"),
    ]);
    expect(order.map((e) => e.id)).toEqual(["s1", "s2", "t1", "t2"]);
    expect(() => dependencyOrder([entry("a", ["b"]), entry("b", ["a"])])).toThrow(
      "dependency cycle: a -> b -> a",
    );
    const catalog = [
      entry("s1"),
      entry("t1", ["s1"], "transform"),
      entry("t2", ["t1"], "transform"),
      entry("x"),
    ];
    expect(backfillEntries(catalog, { ids: ["s1"], withDependants: true }, "dev").map((e) => e.id)).toEqual([
      "s1",
      "t1",
      "t2",
    ]);
    expect(backfillEntries(catalog, { ids: ["s1"], withDependants: false }, "dev").map((e) => e.id)).toEqual([
      "s1",
    ]);
  });

  function fakeBackend(fail: (id: string, d: string) => boolean, done = new Set<string>()) {
    const calls: string[] = [];
    const backend: OpsBackend = {
      where: "fake",
      invoker: {
        async invoke(e, d): Promise<RunRecord> {
          calls.push(`${e.id}@${d}`);
          if (fail(e.id, d as string)) throw new Error("API returned 500");
          done.add(`${e.id}@${d}`);
          return { id: e.id, kind: e.kind, runDate: d, status: "succeeded", records: 1 };
        },
      },
      history: {
        runs: async () => [],
        succeededDates: async (e, dates) => new Set(dates.filter((d) => done.has(`${e.id}@${d}`))),
      },
      close: async () => {},
    };
    return { backend, calls };
  }

  it("with --keep-going, runs a transform only on the dates its sources succeeded", async () => {
    const { backend, calls } = fakeBackend((id, d) => id === "s1" && d === "2026-01-02");
    const r = await backfill(backend, [entry("t1", ["s1"], "transform"), entry("s1"), entry("s2")], {
      dates: dateRange("2026-01-01", "2026-01-03"),
      concurrency: 2,
      keepGoing: true,
      force: false,
    });
    expect(calls.filter((c) => c.startsWith("t1"))).toEqual(["t1@2026-01-01", "t1@2026-01-03"]);
    expect(calls.filter((c) => c.startsWith("s1"))).toEqual([
      "s1@2026-01-01",
      "s1@2026-01-02",
      "s1@2026-01-03",
    ]);
    // t1 started only after s1 finished every date.
    expect(calls.indexOf("t1@2026-01-01")).toBeGreaterThan(calls.indexOf("s1@2026-01-03"));
    expect(r.notStarted).toEqual([{ id: "t1", runDate: "2026-01-02", reason: "input failed" }]);
    expect(reportText(r)).toContain("not run t1 2026-01-02: an input failed that date");
    expect(reportText(r)).not.toContain("stopped at the first failure");
    expect(r.succeeded).toHaveLength(7);
  });

  it("stops a transform from running on dates whose source failed without --keep-going", async () => {
    const { backend, calls } = fakeBackend((id, d) => id === "s1" && d === "2026-01-02");
    const r = await backfill(backend, [entry("t1", ["s1"], "transform"), entry("s1")], {
      dates: dateRange("2026-01-01", "2026-01-03"),
      concurrency: 1,
      keepGoing: false,
      force: false,
    });
    expect(calls).toEqual(["s1@2026-01-01", "s1@2026-01-02"]);
    expect(r.failed).toEqual([{ id: "s1", runDate: "2026-01-02", error: "API returned 500" }]);
    expect(r.notStarted.every((n) => n.reason === "stopped")).toBe(true);
    expect(r.notStarted.map((n) => `${n.id}@${n.runDate}`)).toEqual([
      "s1@2026-01-03",
      "t1@2026-01-01",
      "t1@2026-01-02",
      "t1@2026-01-03",
    ]);
    expect(
      progressLine({
        done: 1,
        total: 4,
        failed: 1,
        skipped: 0,
        etaMs: 3000,
        last: { id: "s1", runDate: "2026-01-02", outcome: "failed" },
      }),
    ).toBe("[#####...............] 1/4  1 failed  ETA 3s  s1 2026-01-02 failed");
  });
});

describe("ops against the local stand-ins (real ingestion handler)", () => {
  let dir: string;
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), progress: () => {} };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ops-local-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  // Each ops command is its own process; the handler keeps its SDK clients for the life of one
  // (as in Lambda), so a test that opens the local world again loads the handler afresh. After
  // each test, not before: the first test starts from this file's own (fresh) modules, and a
  // reset costs only what loads after it.
  afterEach(() => jest.resetModules());
  // A command's own servers (s3rver over the state folder, an empty dynalite), started in this
  // process instead of a child: the state a command sees still comes only from the folder (the
  // raw files and dynamodb.json), as with the child each real command starts. The first command
  // below runs on the default child, so that wiring is proven too.
  const servers: LocalServers = async (bucket, s3Dir) => {
    const { endpoints, close } = await startServers([bucket], s3Dir);
    return { info: endpoints, stop: async () => void (await close()) };
  };

  it("status, run and runs: what one command did, the next one sees", async () => {
    lines.length = 0;
    expect(await main(["status", "--local", "--dir", dir, "--json"], io)).toBe(0); // child servers
    const before = JSON.parse(lines[0]);
    expect(before.batches.find((b: { id: string }) => b.id === "demo_customers")).toMatchObject({
      status: "never run",
    });

    lines.length = 0;
    expect(
      await main(["run", "demo_customers", "--local", "--dir", dir, "--date", "2026-01-10", "--json"], io, {
        servers,
      }),
    ).toBe(0);
    const run = JSON.parse(lines[0]);
    expect(run).toMatchObject({
      id: "demo_customers",
      runDate: "2026-01-10",
      status: "succeeded",
      records: 500,
    });

    lines.length = 0;
    expect(await main(["status", "--local", "--dir", dir, "--json"], io, { servers })).toBe(0);
    expect(JSON.parse(lines[0]).batches.find((b: { id: string }) => b.id === "demo_customers")).toMatchObject(
      {
        lastRunDate: "2026-01-10",
        status: "succeeded",
        records: 500,
      },
    );
    lines.length = 0;
    expect(await main(["runs", "demo_customers", "--local", "--dir", dir], io, { servers })).toBe(0);
    expect(lines[1]).toMatch(new RegExp(`^2026-01-10\\s+succeeded\\s+500\\s+.*${run.runId}$`));
    // By name: main() loads the catalog when it runs, after this test's jest.resetModules().
    await expect(main(["run", "demo_custmers", "--local", "--dir", dir], io)).rejects.toMatchObject({
      name: "OpsError",
      message: expect.stringContaining('unknown id "demo_custmers" in the local catalog'),
    });
  }, 180_000);

  it("backfills 5 dates with one failing: the rest complete, the report names it, a second backfill reruns only it", async () => {
    const entries = [findEntry(loadCatalog(), "demo_customers", "local")];
    const dates = dateRange("2026-02-01", "2026-02-05");
    const invoked: string[] = [];
    let failing: string | undefined = "2026-02-03";
    const open = async () => {
      jest.resetModules(); // a new "process" (see beforeEach)
      const real = await openLocalBackend({ dir, servers });
      const backend: OpsBackend = {
        ...real,
        invoker: {
          invoke: (e, d, o) => {
            invoked.push(d as string);
            if (d === failing)
              return Promise.resolve({
                id: e.id,
                kind: e.kind,
                runDate: d,
                status: "failed",
                error: "injected: API returned 503",
              });
            return real.invoker.invoke(e, d, o);
          },
        },
      };
      return backend;
    };
    let backend = await open();
    const first = await backfill(backend, entries, {
      dates,
      concurrency: 2,
      keepGoing: true,
      force: false,
    }).finally(() => backend.close());
    expect(first.succeeded.map((s) => s.runDate).sort()).toEqual([
      "2026-02-01",
      "2026-02-02",
      "2026-02-04",
      "2026-02-05",
    ]);
    expect(first.failed).toEqual([
      { id: "demo_customers", runDate: "2026-02-03", error: "injected: API returned 503" },
    ]);

    invoked.length = 0;
    failing = undefined;
    backend = await open();
    const second = await backfill(backend, entries, {
      dates,
      concurrency: 2,
      keepGoing: true,
      force: false,
    }).finally(() => backend.close());
    expect(invoked).toEqual(["2026-02-03"]);
    expect(second.failed).toEqual([]);
    expect(second.succeeded.map((s) => s.runDate)).toEqual(["2026-02-03"]);
    expect(second.skipped).toHaveLength(4);
    expect(existsSync(join(dir, "dynamodb.json"))).toBe(true);
  }, 180_000);
});
