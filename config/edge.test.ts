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
import { loadAppConfig } from ".";
import { bigquery } from "./bigquery";
import { environments } from "./environments";
import { ConfigError } from "./problems";
import { sources } from "./sources";
import { transforms } from "./transforms";

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

// Each mistake edits the embedded configuration modules (plain data) in place, as a user's edit
// would: they are put back from a pristine copy around every test, in place, so the loader reads
// exactly one mistake each time (cheaper than a fresh module registry per mistake).
type Loose = any;
const EDITABLE: Loose[] = [environments, sources.entries, bigquery.value, transforms.entries];
const PRISTINE = structuredClone(EDITABLE);
function restoreConfig(): void {
  EDITABLE.forEach((live, i) => {
    const copy = structuredClone(PRISTINE[i]);
    if (Array.isArray(live)) live.splice(0, live.length, ...copy);
    else {
      for (const key of Object.keys(live)) delete live[key];
      Object.assign(live, copy);
    }
  });
}

describe.each(MISTAKES.map((m) => [m.name, m] as const))("mistake %s alone", (_name, mistake) => {
  afterEach(restoreConfig);

  it("is refused with exactly its own line", () => {
    restoreConfig();
    expect(loadAppConfig({})).toBeDefined(); // the pristine configuration loads
    mistake.inject();
    let problems: string[] | undefined;
    try {
      loadAppConfig({});
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems = e.problems;
    }
    expect(problems).toEqual([mistake.line]);
  });
});
