import { chmodSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../test/helpers/temp";
import {
  memoizeBinaryVersionChecks,
  onPath,
  passedBefore,
  pruneStaleStacks,
  synthOptions,
} from "./app-options";

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

describe("passedBefore (version checks remembered between synths)", () => {
  const setup = () => {
    const dir = tempDir("version-cache-");
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "terraform"), "#!/bin/sh\necho Terraform v1.11.0\n");
    chmodSync(join(bin, "terraform"), 0o755);
    return {
      cacheFile: join(dir, "cache", "versions.json"),
      path: `${bin}:/usr/bin`,
      binary: join(bin, "terraform"),
    };
  };

  it("runs a passing check once per binary, then not again until the binary changes", () => {
    const { cacheFile, path, binary } = setup();
    let runs = 0;
    const run = () => {
      runs++;
      return [];
    };
    expect(passedBefore("terraform version", ">=1.4", run, cacheFile, path)).toEqual([]);
    expect(passedBefore("terraform version", ">=1.4", run, cacheFile, path)).toEqual([]);
    expect(runs).toBe(1);
    // Another constraint is another question.
    passedBefore("terraform version", ">=1.5", run, cacheFile, path);
    expect(runs).toBe(2);
    // An upgraded (or replaced) binary is checked again.
    utimesSync(binary, new Date(), new Date(Date.now() + 5000));
    passedBefore("terraform version", ">=1.4", run, cacheFile, path);
    expect(runs).toBe(3);
  });

  it("never remembers a failing answer, and runs the check when the binary is not on PATH", () => {
    const { cacheFile, path } = setup();
    let runs = 0;
    const failing = () => {
      runs++;
      return ["terraform version 1.3.0 is lower than the required version >=1.4"];
    };
    expect(passedBefore("terraform version", ">=1.4", failing, cacheFile, path)).toHaveLength(1);
    expect(passedBefore("terraform version", ">=1.4", failing, cacheFile, path)).toHaveLength(1);
    expect(runs).toBe(2);
    expect(onPath("terraform", "/nonexistent")).toBeUndefined();
    const ok = () => {
      runs++;
      return [];
    };
    passedBefore("terraform version", ">=1.4", ok, cacheFile, "/nonexistent");
    passedBefore("terraform version", ">=1.4", ok, cacheFile, "/nonexistent");
    expect(runs).toBe(4);
    // Any other command is run every time (and nothing is written).
    passedBefore("echo x && terraform version", ">=1.4", ok, cacheFile, path);
    passedBefore("echo x && terraform version", ">=1.4", ok, cacheFile, path);
    expect(runs).toBe(6);
  });
});
