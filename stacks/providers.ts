/** Provider defaults shared by every stack: tags/labels from config, nothing looked up. */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import type { Construct } from "constructs";

export interface Ownership {
  readonly project: string;
  readonly environment: string;
  readonly owner: string;
  readonly costCenter: string;
}

export function awsProvider(scope: Construct, region: string, accountId: string, o: Ownership): AwsProvider {
  return new AwsProvider(scope, "aws", {
    region,
    // Refuse to touch any other account than the configured one.
    allowedAccountIds: [accountId],
    defaultTags: [
      {
        tags: {
          project: o.project,
          environment: o.environment,
          "managed-by": "cdktf",
          owner: o.owner,
          "cost-center": o.costCenter,
        },
      },
    ],
  });
}

/** GCP labels: lowercase letters, digits, `_` and `-` only; keys use `_` (cdktf rewrites `-` in provider label keys). */
export function gcpLabel(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "-")
    .slice(0, 63);
}

export function googleProvider(
  scope: Construct,
  projectId: string,
  region: string,
  o: Ownership,
): GoogleProvider {
  return new GoogleProvider(scope, "google", {
    project: projectId,
    region: /^[a-z]+-[a-z]+\d$/.test(region) ? region : undefined,
    defaultLabels: {
      project: gcpLabel(o.project),
      environment: gcpLabel(o.environment),
      managed_by: "cdktf",
      owner: gcpLabel(o.owner),
      cost_center: gcpLabel(o.costCenter),
    },
  });
}
