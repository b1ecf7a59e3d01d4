import { TerraformStack, Testing } from "cdktf";
import { synthesize } from "../../test/helpers/stack";
import { GcpIdentity, type GcpIdentityProps } from ".";

function make(over: Partial<GcpIdentityProps> = {}) {
  const stack = new TerraformStack(Testing.app(), "gcp");
  new GcpIdentity(stack, "identity", {
    projectId: "dp-dev-project",
    name: "dp-dev",
    environment: "dev",
    githubRepository: "example-org/data-platform",
    githubRepositoryId: "123456789",
    awsAccountId: "111111111111",
    reconcileRoleName: "dp-dev-bq-reconcile",
    ...over,
  });
  return synthesize(stack);
}

describe("GcpIdentity", () => {
  it("creates no service-account key, only keyless federation", () => {
    const s = make();
    expect(s.of("google_service_account_key")).toEqual({});
    expect(s.one("google_iam_workload_identity_pool").workload_identity_pool_id).toBe("dp-dev-pool");
  });

  it("admits exactly the reconcile role from AWS, and lets it impersonate only the reconcile account", () => {
    const s = make();
    const aws = Object.values(s.of("google_iam_workload_identity_pool_provider")).find((p) => p.aws);
    expect(aws.aws).toEqual({ account_id: "111111111111" });
    expect(aws.attribute_condition).toBe(
      "attribute.aws_role == 'arn:aws:sts::111111111111:assumed-role/dp-dev-bq-reconcile'",
    );
    const wif = Object.values(s.of("google_service_account_iam_member")).filter((m) =>
      String(m.member).includes("attribute.aws_role"),
    );
    expect(wif).toHaveLength(1);
    expect(wif[0].service_account_id).toContain("google_service_account.identity_bq-reconcile");
    expect(wif[0].role).toBe("roles/iam.workloadIdentityUser");
  });

  it("gives CI accounts predefined roles only, never a primitive one", () => {
    const roles = Object.values(make().of("google_project_iam_member")).map((m) => m.role);
    expect(roles).toEqual(expect.arrayContaining(["roles/bigquery.jobUser", "roles/iam.securityReviewer"]));
    expect(roles.filter((r) => ["roles/owner", "roles/editor", "roles/viewer"].includes(r))).toEqual([]);
  });

  it("refuses a pool id GCP would refuse instead of cutting it, and names every bad prop", () => {
    expect(() =>
      make({
        name: "a-very-long-environment-name-x",
        projectId: "Bad_Project",
        githubRepositoryId: "abc",
        awsAccountId: "1",
      }),
    ).toThrow(
      'GcpIdentity gcp/identity: projectId: a GCP project id, 6 to 30 lowercase letters, digits and hyphens (got "Bad_Project"); name: the pool id "a-very-long-environment-name-x-pool" must be 4 to 32 lowercase letters, digits and hyphens, not starting with "gcp-" (got name "a-very-long-environment-name-x"); githubRepositoryId: the repository\'s numeric id (got "abc"); awsAccountId: 12 digits (got "1")',
    );
  });
});
