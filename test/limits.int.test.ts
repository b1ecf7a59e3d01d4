/**
 * 50 ingestion sources: synth passes, every apply-time size limit holds with references at their
 * longest (the ingest role's grants overflow into managed policies instead of failing at apply),
 * and Terraform validates the stack offline.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluate } from "../policy/engine";
import { init, terraform } from "../scripts/lib/terraform";
import { formatLargest, synthWithSources } from "../scripts/limits-report";

jest.setTimeout(600_000);

describe("50 sources", () => {
  const outdir = mkdtempSync(join(tmpdir(), "dp-limits-"));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("synthesizes within every size limit, passes the policy pack and terraform validate", async () => {
    const { dir, measurements } = await synthWithSources(50, outdir);
    const over = measurements.filter((m) => m.size > m.limit);
    expect(over).toEqual([]);
    // The largest documents, as the report prints them (the ingest role is the one that grows).
    const largest = formatLargest(measurements);
    expect(largest.join("\n")).toMatch(/roleInlinePolicies .* aws_iam_role\.saas-ingest_role/);
    const inline = measurements.find(
      (m) => m.kind === "roleInlinePolicies" && m.address.includes("saas-ingest_role"),
    );
    expect(inline!.size).toBeLessThanOrEqual(10_240);
    expect(inline!.size).toBeGreaterThan(3_000);

    const json = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
    const report = evaluate([{ name: "dp-aws-dev", json }]);
    expect(report.violations).toEqual([]);
    expect(Object.keys(json.resource.aws_scheduler_schedule)).toHaveLength(50);
    expect(Object.keys(json.resource.aws_iam_policy).some((k) => k.includes("overflow"))).toBe(true);

    init(dir, { backend: false });
    const out = terraform(["validate", "-json", "-no-color"], { cwd: dir, okCodes: [0, 1] });
    const result = JSON.parse(out.stdout) as { valid: boolean; diagnostics: unknown[] };
    expect({ valid: result.valid, diagnostics: result.valid ? [] : result.diagnostics }).toEqual({
      valid: true,
      diagnostics: [],
    });
  });
});
