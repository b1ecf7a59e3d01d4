/** Rules over providers: tags and labels every resource inherits. */
import type { Rule } from "../types";

export const REQUIRED_AWS_TAGS = ["project", "environment", "managed-by", "owner", "cost-center"];
export const REQUIRED_GCP_LABELS = ["project", "environment", "managed_by", "owner", "cost_center"];

export const commonRules: Rule[] = [
  {
    id: "TAGS-PROVIDER-DEFAULTS",
    source: "project (AWS tagging best practices; GCP labels)",
    description:
      "Every provider tags/labels all resources with project, environment, managed-by, owner and cost centre",
    fix: "Use stacks/providers.ts (default_tags / default_labels from config)",
    examples: {
      compliant: {
        provider: {
          aws: [{ default_tags: [{ tags: Object.fromEntries(REQUIRED_AWS_TAGS.map((t) => [t, "x"])) }] }],
        },
      },
      nonCompliant: { provider: { aws: [{ default_tags: [{ tags: { project: "x" } }] }] } },
    },
    check: (ctx) => {
      const out = [];
      for (const p of ctx.json.provider?.aws ?? []) {
        const tags = [p.default_tags].flat()[0]?.tags ?? {};
        const missing = REQUIRED_AWS_TAGS.filter((t) => !tags[t]);
        if (missing.length)
          out.push({ address: "provider.aws", detail: `default_tags missing ${missing.join(", ")}` });
      }
      for (const p of ctx.json.provider?.google ?? []) {
        const missing = REQUIRED_GCP_LABELS.filter((t) => !p.default_labels?.[t]);
        if (missing.length)
          out.push({ address: "provider.google", detail: `default_labels missing ${missing.join(", ")}` });
      }
      return out;
    },
  },
];
