import type { PlanJson, PlanResourceChange } from "./plan-json";
import { GITHUB_COMMENT_LIMIT, MARKER, outcomeLabels, renderSummary } from "./plan-summary";

const rc = (
  address: string,
  actions: string[],
  extra: Partial<PlanResourceChange> = {},
): PlanResourceChange => ({
  address,
  type: address.split(".")[0],
  mode: "managed",
  ...extra,
  change: { actions, ...(extra.change ?? {}) },
});
const plan = (changes: PlanResourceChange[], extra: Partial<PlanJson> = {}): PlanJson => ({
  format_version: "1.2",
  resource_changes: changes,
  ...extra,
});

describe("plan summary", () => {
  it("starts with the sticky marker and says clearly when nothing changes", () => {
    const md = renderSummary([{ label: "dp-aws-dev", plan: plan([rc("aws_s3_bucket.a", ["no-op"])]) }]);
    expect(md.startsWith(MARKER)).toBe(true);
    expect(md).toContain("**No changes.** 1 stack(s) match the infrastructure.");
    expect(md).toContain("| `dp-aws-dev` | 0 | 0 | 0 | 0 | 0 | ✅ no changes |");
    expect(md).not.toContain("[!WARNING]");
    expect(outcomeLabels([{ label: "x", plan: plan([]) }])).toEqual(["terraform:no-changes"]);
  });

  it("warns at the top about every destroy and replacement, with the reason", () => {
    const md = renderSummary(
      [
        {
          label: "dp-aws-prod",
          plan: plan([
            rc("aws_s3_bucket.raw", ["delete"]),
            rc("aws_instance.agent", ["delete", "create"], {
              action_reason: "replace_because_cannot_update",
              change: { actions: ["delete", "create"], replace_paths: [["ami"]] },
            }),
            rc("aws_sns_topic.t", ["update"]),
            rc("aws_kms_key.k", ["create"]),
          ]),
        },
        { label: "dp-gcp-prod", plan: plan([]) },
      ],
      { runUrl: "https://github.com/o/r/actions/runs/1" },
    );
    const warning = md.indexOf("[!WARNING]");
    expect(warning).toBeGreaterThan(0);
    expect(warning).toBeLessThan(md.indexOf("| stack |"));
    expect(md).toContain("> - `dp-aws-prod`: **destroy** `aws_s3_bucket.raw`");
    expect(md).toContain(
      "> - `dp-aws-prod`: **replace** `aws_instance.agent` — cannot update; forced by `ami`",
    );
    expect(md).toContain("| `dp-aws-prod` | 2 | 1 | 2 | 1 | 0 | ⚠️ destroys |");
    expect(md).toContain("[CI run](https://github.com/o/r/actions/runs/1)");
    expect(md).toMatch(
      /<details>\n<summary><code>dp-aws-prod<\/code>: Plan: 2 to add, 1 to change, 2 to destroy \(1 replaced\)<\/summary>/,
    );
    expect(outcomeLabels([{ label: "x", plan: plan([rc("a.b", ["delete"])]) }])).toEqual([
      "terraform:destroy",
    ]);
  });

  it("groups moved and imported resources and shows drift collapsed", () => {
    const md = renderSummary([
      {
        label: "s",
        plan: plan(
          [
            rc("aws_s3_bucket.new", ["no-op"], { previous_address: "aws_s3_bucket.old" }),
            rc("aws_vpc.v", ["no-op"], { change: { actions: ["no-op"], importing: { id: "vpc-1" } } }),
          ],
          {
            resource_drift: [rc("aws_security_group.sg", ["update"])],
          },
        ),
      },
    ]);
    expect(md).toContain("- `aws_s3_bucket.new` (from `aws_s3_bucket.old`)");
    expect(md).toContain("**📥 imported** (1)");
    expect(md).toContain("> **1 change(s) made outside Terraform** (drift):");
    expect(md).toContain("| `s` | 0 | 0 | 0 | 0 | 1 |");
  });

  it("stays under GitHub's limit with thousands of changes, keeping the warning and the table whole", () => {
    const many = Array.from({ length: 6000 }, (_, i) =>
      rc(`aws_s3_object.object_with_a_long_name_${i}`, ["create"]),
    );
    const deletes = Array.from({ length: 50 }, (_, i) => rc(`aws_iam_role.r${i}`, ["delete"]));
    const design = "**Design document (dev)**: sections changed: 2. Batch list, 4. Settings";
    const md = renderSummary(
      [
        { label: "dp-aws-dev", plan: plan([...many, ...deletes]) },
        { label: "dp-aws-stg", plan: plan(many) },
      ],
      { notes: [design] },
    );
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    // The design-document line sits under the table and is never cut.
    expect(md.indexOf(design)).toBeGreaterThan(md.indexOf("| `dp-aws-stg` | 6000"));
    for (let i = 0; i < 50; i++) expect(md).toContain(`**destroy** \`aws_iam_role.r${i}\``);
    expect(md).toContain("| `dp-aws-dev` | 6000 | 0 | 50 | 0 | 0 | ⚠️ destroys |");
    expect(md).toContain("| `dp-aws-stg` | 6000 | 0 | 0 | 0 | 0 | 📝 changes |");
    expect(md).toMatch(/Details of \d stack\(s\) were cut to stay under GitHub's 65,536-character limit/);
    expect((md.match(/<details>/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length);
  });

  it("reports a failed plan", () => {
    const md = renderSummary([{ label: "s", plan: plan([], { errored: true }) }]);
    expect(md).toContain("> Plan failed for: `s`");
    expect(outcomeLabels([{ label: "s", plan: plan([], { errored: true }) }])).toEqual([
      "terraform:plan-error",
    ]);
  });
});
