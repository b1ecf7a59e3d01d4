/**
 * The refactor that moved alarms into their modules must plan as moves: every alarm address of
 * the previous layout (checked in, from the synth of 554cde0) still exists or is the `from` of a
 * `moved` block whose `to` is an alarm of the new synth. (The offline `terraform plan` of the same
 * move against a state of the old layout is described in modules/pipeline-function/README.md.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sharedSynth, stackJson } from "../test/helpers/synth";

const before = JSON.parse(
  readFileSync(
    join(__dirname, "..", "test", "fixtures", "aws-alarm-addresses-before-module-alarms.json"),
    "utf8",
  ),
) as Record<string, string[]>;

describe("moved blocks of the module-alarms refactor", () => {
  const synth = sharedSynth();
  const stacks = Object.keys(before).filter((k) => k !== "//");

  it.each(stacks)(
    "%s: every alarm of the previous layout is still there or moved to an alarm that exists",
    (stack) => {
      const json = stackJson(synth.outdir, stack);
      const alarms = new Set(
        Object.keys(json.resource.aws_cloudwatch_metric_alarm ?? {}).map(
          (n) => `aws_cloudwatch_metric_alarm.${n}`,
        ),
      );
      const moved = new Map<string, string>(
        (json.moved ?? []).map((m: { from: string; to: string }) => [m.from, m.to]),
      );
      const lost = before[stack].filter((a) => !alarms.has(a) && !alarms.has(moved.get(a) ?? ""));
      expect(lost).toEqual([]);
      // No move points nowhere, and nothing is moved onto an address that also stays.
      for (const [from, to] of moved) {
        expect(alarms.has(to)).toBe(true);
        expect(alarms.has(from)).toBe(false);
      }
      expect(moved.size).toBeGreaterThan(0);
    },
  );
});
