import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../test/helpers/temp";
import { memoizeBinaryVersionChecks, pruneStaleStacks, synthOptions } from "./app-options";

describe("pruneStaleStacks", () => {
  it("removes folders of stacks this synth did not produce, keeps the produced ones and any holding local state", () => {
    const outdir = tempDir("prune-");
    const stack = (name: string, files: string[] = ["cdk.tf.json"]) => {
      mkdirSync(join(outdir, "stacks", name), { recursive: true });
      for (const f of files) writeFileSync(join(outdir, "stacks", name, f), "{}");
    };
    stack("dp-aws-dev");
    stack("dp-aws-prod");
    stack("bootstrap");
    stack("dp-aws-old", ["cdk.tf.json", "terraform.tfstate"]);
    stack("dp-aws-older", ["cdk.tf.json", "terraform.tfstate.backup"]);
    writeFileSync(join(outdir, "stacks", "not-a-folder.txt"), "");

    const pruned = pruneStaleStacks(outdir, ["dp-aws-dev"]);

    expect(pruned).toEqual({
      removed: ["bootstrap", "dp-aws-prod"],
      keptWithState: ["dp-aws-old", "dp-aws-older"],
    });
    expect(existsSync(join(outdir, "stacks", "dp-aws-dev", "cdk.tf.json"))).toBe(true);
    expect(existsSync(join(outdir, "stacks", "dp-aws-prod"))).toBe(false);
    expect(existsSync(join(outdir, "stacks", "dp-aws-old", "terraform.tfstate"))).toBe(true);
    expect(existsSync(join(outdir, "stacks", "not-a-folder.txt"))).toBe(true);
  });

  it("does nothing when nothing was synthesized before", () => {
    expect(pruneStaleStacks(join(tempDir("prune-"), "none"), [])).toEqual({ removed: [], keptWithState: [] });
  });
});

describe("synthOptions", () => {
  it("turns stack traces off unless SYNTH_STACK_TRACES=1, and takes the outdir from CDKTF_OUTDIR", () => {
    expect(synthOptions({})).toEqual({ outdir: "cdktf.out", stackTraces: false });
    expect(synthOptions({ SYNTH_STACK_TRACES: "1", CDKTF_OUTDIR: "x" })).toEqual({
      outdir: "x",
      stackTraces: true,
    });
  });
});

describe("memoizeBinaryVersionChecks", () => {
  it("runs each version command once per process, however many constructs ask", () => {
    const { ValidateBinaryVersion } = require("cdktf/lib/validations/validate-binary-version");
    const log = join(tempDir("version-"), "calls.log");
    const command = `echo called >> ${JSON.stringify(log)} && echo "Terraform v1.11.0"`;
    expect(memoizeBinaryVersionChecks()).toBe(true);
    const checks = Array.from({ length: 5 }, () => new ValidateBinaryVersion("terraform", ">=1.4", command));
    for (const c of checks) expect(c.validate()).toEqual([]);
    expect(readFileSync(log, "utf8").trim().split("\n")).toHaveLength(1);
    // A different constraint is its own question, and a failing answer is still reported.
    expect(new ValidateBinaryVersion("terraform", ">=2.0", command).validate()[0]).toMatch(
      /terraform version 1.11.0 is lower than the required version >=2.0/,
    );
  });
});
