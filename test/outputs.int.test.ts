/**
 * The outputs of every synthesized stack (the real app, as `npm run synth` writes it) have their
 * contract names: no construct hash, nothing outside `stacks/outputs.ts`, every unconditional
 * output present.
 */
import { AWS_OUTPUTS, BOOTSTRAP_OUTPUTS, GCP_OUTPUTS, type OutputSpec } from "../stacks/outputs";
import { sharedSynth, stackJson } from "./helpers/synth";

const contractOf = (stack: string): Record<string, OutputSpec> | undefined =>
  /-aws-/.test(stack)
    ? AWS_OUTPUTS
    : /-bootstrap-/.test(stack)
      ? BOOTSTRAP_OUTPUTS
      : /-gcp-/.test(stack)
        ? GCP_OUTPUTS
        : undefined;

describe("synthesized stack outputs", () => {
  const synth = sharedSynth();
  const outputsOf = (stack: string): string[] => Object.keys(stackJson(synth.outdir, stack).output ?? {});

  it.each(synth.stacks)("%s: only contract names, and every unconditional one", (stack) => {
    const names = outputsOf(stack);
    const contract = contractOf(stack);
    if (!contract) {
      expect(names).toEqual([]); // the GitHub stack has none
      return;
    }
    for (const n of names) expect(Object.keys(contract)).toContain(n);
    const always = Object.entries(contract)
      .filter(([, s]) => !s.when)
      .map(([n]) => n);
    expect(names).toEqual(expect.arrayContaining(always));
    for (const n of names) expect(n).not.toMatch(/_[0-9A-F]{8}$/);
  });

  it("gives the AWS stacks the outputs of what their config enables", () => {
    const aws = synth.stacks.filter((s) => /-aws-/.test(s));
    expect(aws.length).toBeGreaterThan(0);
    for (const s of aws)
      expect(outputsOf(s)).toEqual(
        expect.arrayContaining(["ingest_function_name", "ci_plan_role_arn", "agent_start_session"]),
      );
  });
});
