/** The harness's own promise: a test run's temporary root is checked, then removed. */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./helpers/temp";
import {
  createRunRoot,
  leftovers,
  ORIGINAL_TMPDIR_ENV,
  removeRunRoot,
  SHARED_DIR,
} from "./helpers/temp-root";

describe("the per-run temporary root", () => {
  it("points TMPDIR at a fresh folder, reports what a run left in it, then removes it", () => {
    const parent = tempDir("run-root-test-");
    const env: NodeJS.ProcessEnv = { [ORIGINAL_TMPDIR_ENV]: parent };
    const root = createRunRoot(env);
    expect(env.TMPDIR).toBe(root);
    // The harness's own entry is not a leftover: the shared synth.
    mkdirSync(join(root, SHARED_DIR));
    expect(leftovers(root)).toEqual([]);

    mkdirSync(join(root, "dp-synth-abc"));
    writeFileSync(join(root, "stray.txt"), "");
    expect(leftovers(root)).toEqual(["dp-synth-abc/", "stray.txt"]);

    removeRunRoot(root, env);
    expect(existsSync(root)).toBe(false);
    expect(env.TMPDIR).toBe(parent);
  });
});
