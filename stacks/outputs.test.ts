import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { AWS_OUTPUTS, BOOTSTRAP_OUTPUTS, declareOutputs, GCP_OUTPUTS, outputsReadme } from "./outputs";

const synthOutputs = (build: (stack: TerraformStack) => void) => {
  const stack = new TerraformStack(Testing.app(), "s");
  build(stack);
  return JSON.parse(Testing.synth(stack)).output as Record<string, { value: unknown; description: string }>;
};

describe("stack outputs", () => {
  it("names each output exactly by its contract key, with the contract's description", () => {
    const out = synthOutputs((s) =>
      declareOutputs(s, AWS_OUTPUTS, { vpc_id: "vpc-1", ci_plan_role_arn: "arn" }),
    );
    expect(out).toEqual({
      vpc_id: { value: "vpc-1", description: AWS_OUTPUTS.vpc_id.description },
      ci_plan_role_arn: { value: "arn", description: AWS_OUTPUTS.ci_plan_role_arn.description },
    });
  });

  it("keeps the name when the declaring construct moves deeper or is renamed", () => {
    const flat = synthOutputs((s) => declareOutputs(s, AWS_OUTPUTS, { raw_bucket: "b" }));
    const moved = synthOutputs((s) => {
      const inner = new Construct(new Construct(s, "moved-here"), "and-renamed");
      declareOutputs(inner, AWS_OUTPUTS, { raw_bucket: "b" });
    });
    expect(Object.keys(moved)).toEqual(["raw_bucket"]);
    expect(moved).toEqual(flat);
  });

  it("skips capabilities that are off (undefined values)", () => {
    const out = synthOutputs((s) =>
      declareOutputs(s, AWS_OUTPUTS, { vpc_id: "v", ingest_function_name: undefined }),
    );
    expect(Object.keys(out)).toEqual(["vpc_id"]);
  });

  it("refuses a name outside the contract (for callers that bypass the types)", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(() =>
      declareOutputs(stack, BOOTSTRAP_OUTPUTS, { state_bucket: "b", vpc_id: "v" } as Record<string, unknown>),
    ).toThrow("outputs.vpc_id: not in the stack's output contract");
  });

  it("uses names `terraform output -raw` users can type: lower snake case, unique across stack kinds", () => {
    const names = [AWS_OUTPUTS, BOOTSTRAP_OUTPUTS, GCP_OUTPUTS].flatMap((c) => Object.keys(c));
    for (const n of names) expect(n).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
    expect(new Set(names).size).toBe(names.length);
  });

  it("is documented in README.md exactly as declared (npm run docs:config writes it)", () => {
    const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
    const block = /<!-- outputs:start -->\n([\s\S]*?)\n<!-- outputs:end -->/.exec(readme)?.[1];
    expect(block).toBe(outputsReadme());
  });
});
