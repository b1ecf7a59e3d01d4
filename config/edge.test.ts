/**
 * Proof of issue #13's "Done when" for configuration: each mistake it lists (and its class) fails
 * synth quickly with one line naming the entry and the field, and no stack trace.
 *
 * - Through the real app entry: one process with every mistake injected (the loader lists all of
 *   them at once), checked line by line, timed by the child's own CPU time.
 * - In process: each mistake alone gives exactly its line (no cascade into other entries).
 */
import { type MistakeRun, runWithMistakes } from "../scripts/lib/config-mistakes-run";
import { MISTAKES } from "../test/fixtures/config-mistakes";
import { ConfigError } from "./problems";

describe("synth with every mistake of issue #13 injected", () => {
  let run: MistakeRun;
  beforeAll(() => {
    run = runWithMistakes("all");
  });

  it("exits 1 before synth with one line per mistake naming entry and field, and nothing else", () => {
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe(`Invalid configuration (${MISTAKES.length} problems):`);
    expect([...lines.slice(1)].sort()).toEqual(MISTAKES.map((m) => `  - ${m.line}`).sort());
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it("takes well under 2 s of the process's own time", () => {
    // CPU time is what the machine's load cannot inflate (about 1 s on an idle or busy machine;
    // `npm run bench:config` reports wall time per mistake and fails above 2 s).
    expect(run.cpuMs).toBeLessThan(2_000);
    expect(run.wallMs).toBeLessThan(30_000);
  });
});

describe.each(MISTAKES.map((m) => [m.name, m] as const))("mistake %s alone", (_name, mistake) => {
  it("is refused with exactly its own line", () => {
    let problems: string[] | undefined;
    jest.isolateModules(() => {
      const { MISTAKES: fresh } =
        require("../test/fixtures/config-mistakes") as typeof import("../test/fixtures/config-mistakes");
      fresh.find((m) => m.name === mistake.name)!.inject();
      const { loadAppConfig } = require(".") as typeof import(".");
      const { ConfigError: FreshError } = require("./problems") as typeof import("./problems");
      try {
        loadAppConfig({});
      } catch (e) {
        if (!(e instanceof FreshError) && !(e instanceof ConfigError)) throw e;
        problems = (e as ConfigError).problems;
      }
    });
    expect(problems).toEqual([mistake.line]);
  });
});
