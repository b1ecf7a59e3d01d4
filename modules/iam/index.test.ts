import { Testing } from "cdktf";
import { awsTestStack } from "../../test/helpers/stack";
import { FederatedRole } from "./federated-role";
import { collapseCovered, mergeStatements } from "./merge";
import { policyDocument } from "./policy";
import { packStatements, ServiceRole } from "./service-role";

describe("mergeStatements", () => {
  it("unions resources of statements with the same actions and conditions", () => {
    expect(
      mergeStatements([
        { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/a/*" },
        { Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/c/*" },
      ]),
    ).toEqual([
      { Effect: "Allow", Action: "s3:GetObject", Resource: ["arn:aws:s3:::b/a/*", "arn:aws:s3:::b/c/*"] },
    ]);
  });

  it("unions actions on the same resources, and values of a single condition key", () => {
    const merged = mergeStatements([
      {
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: "arn:aws:s3:::b",
        Condition: { StringLike: { "s3:prefix": ["a/*"] } },
      },
      {
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: "arn:aws:s3:::b",
        Condition: { StringLike: { "s3:prefix": ["c/*"] } },
      },
      { Effect: "Allow", Action: "kms:Decrypt", Resource: "k" },
      { Effect: "Allow", Action: "kms:Encrypt", Resource: "k" },
    ]);
    expect(merged).toEqual([
      {
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: "arn:aws:s3:::b",
        Condition: { StringLike: { "s3:prefix": ["a/*", "c/*"] } },
      },
      { Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt"], Resource: "k" },
    ]);
  });

  it("drops prefixes another prefix covers", () => {
    expect(collapseCovered(["b/saas/*", "b/saas/orders/*", "b/_staging/*", "b/saas_x/*"])).toEqual([
      "b/saas/*",
      "b/_staging/*",
      "b/saas_x/*",
    ]);
    // A `*` in the middle is not a prefix: nothing is dropped.
    expect(collapseCovered(["b/*/x*", "b/a/x1"])).toEqual(["b/*/x*", "b/a/x1"]);
  });

  it("never merges across effects, principals, different conditions, or named statements", () => {
    const input = [
      { Effect: "Allow" as const, Action: "s3:GetObject", Resource: "r1" },
      { Effect: "Deny" as const, Action: "s3:GetObject", Resource: "r2" },
      {
        Effect: "Allow" as const,
        Action: "s3:GetObject",
        Resource: "r3",
        Condition: { Bool: { "aws:SecureTransport": true } },
      },
      { Sid: "Named", Effect: "Allow" as const, Action: "s3:GetObject", Resource: "r4" },
      { Effect: "Allow" as const, Principal: { Service: "x" }, Action: "s3:GetObject", Resource: "r5" },
    ];
    expect(mergeStatements(input)).toEqual(input);
  });

  it("merges inside every policy document built here", () => {
    const doc = JSON.parse(
      policyDocument([
        { Effect: "Allow", Action: "sqs:SendMessage", Resource: "q1" },
        { Effect: "Allow", Action: "sqs:SendMessage", Resource: "q2" },
      ]),
    );
    expect(doc.Statement).toHaveLength(1);
  });
});

describe("ServiceRole", () => {
  function roleWith(grants: number) {
    const { stack } = awsTestStack();
    const role = new ServiceRole(stack, "role", {
      name: "r",
      service: "lambda.amazonaws.com",
      accountId: "111111111111",
    });
    for (let i = 0; i < grants; i++) {
      role.addToPolicy({
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: `arn:aws:secretsmanager:ap-northeast-1:111111111111:secret:dp/saas/source_${String(i).padStart(4, "0")}-token-*`,
      });
    }
    return JSON.parse(Testing.synth(stack));
  }

  it("keeps a small grant set in one inline policy", () => {
    const json = roleWith(3);
    expect(Object.keys(json.resource.aws_iam_policy ?? {})).toEqual([]);
    expect(
      JSON.parse(Object.values<any>(json.resource.aws_iam_role_policy)[0].policy).Statement,
    ).toHaveLength(1);
  });

  it("overflows grants beyond the inline budget into attached managed policies, losing none", () => {
    const json = roleWith(300);
    const inline = Object.values<any>(json.resource.aws_iam_role_policy)[0].policy as string;
    const managed = Object.values<any>(json.resource.aws_iam_policy).map((p) => p.policy as string);
    expect(inline.length).toBeLessThanOrEqual(10_240);
    expect(managed.length).toBeGreaterThan(0);
    for (const m of managed) expect(m.length).toBeLessThanOrEqual(6_144);
    const attached = Object.values<any>(json.resource.aws_iam_role_policy_attachment).map(
      (a) => a.policy_arn,
    );
    expect(attached).toHaveLength(managed.length);
    const all = [inline, ...managed].flatMap((d) =>
      JSON.parse(d).Statement.flatMap((s: any) => [s.Resource].flat()),
    );
    expect(new Set(all).size).toBe(300);
  });

  it("packs statements in order under a budget", () => {
    const st = (n: number) => ({ Effect: "Allow" as const, Action: "a:b", Resource: "x".repeat(n) });
    expect(packStatements([st(50), st(50), st(50)], 160).map((d) => d.length)).toEqual([1, 1, 1]);
    // One statement too large for a document is split by resources.
    const wide = {
      Effect: "Allow" as const,
      Action: "a:b",
      Resource: ["r".repeat(60), "s".repeat(60), "t".repeat(60)],
    };
    expect(
      packStatements([wide], 160)
        .flat()
        .map((x) => x.Resource),
    ).toEqual([["r".repeat(60)], ["s".repeat(60)], ["t".repeat(60)]]);
    expect(packStatements([st(10), st(10), st(10)], 220).map((d) => d.length)).toEqual([3]);
  });
});

describe("ServiceRole trust and name", () => {
  it("trusts the service for the account, and refuses a name IAM would refuse and a non-service principal, naming both", () => {
    const { stack } = awsTestStack();
    new ServiceRole(stack, "ok", {
      name: "dp-dev-fn",
      service: "lambda.amazonaws.com",
      accountId: "111111111111",
    });
    const role = Object.values<any>(JSON.parse(Testing.synth(stack)).resource.aws_iam_role)[0];
    expect(JSON.parse(role.assume_role_policy).Statement[0]).toEqual({
      Effect: "Allow",
      Principal: { Service: "lambda.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
    });
    expect(
      () =>
        new ServiceRole(awsTestStack().stack, "bad", {
          name: `r${"x".repeat(64)}`,
          service: "token.actions.githubusercontent.com",
          accountId: "111111111111",
        }),
    ).toThrow(
      /ServiceRole bad: name: an IAM role name has 1 to 64 characters \(got 65: "rx+"\); service: a service principal such as "lambda.amazonaws.com" \(got "token.actions.githubusercontent.com"\)/,
    );
  });
});

describe("FederatedRole", () => {
  const issuer = "token.actions.githubusercontent.com";
  const trustOf = (subjects: string[], audience?: string) => {
    const { stack } = awsTestStack();
    const r = new FederatedRole(stack, "ci", {
      name: "dp-dev-ci",
      accountId: "111111111111",
      issuer,
      subjects,
      audience,
    });
    r.addToPolicy({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" });
    const json = JSON.parse(Testing.synth(stack));
    const role = Object.values<any>(json.resource.aws_iam_role)[0];
    return { trust: JSON.parse(role.assume_role_policy).Statement, json };
  };

  it("trusts the OIDC provider as Federated principal with exact subjects and the default audience", () => {
    const { trust, json } = trustOf(["repo:o/r:environment:dev"]);
    expect(trust).toEqual([
      {
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::111111111111:oidc-provider/${issuer}` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:aud`]: "sts.amazonaws.com",
            [`${issuer}:sub`]: ["repo:o/r:environment:dev"],
          },
        },
      },
    ]);
    // No meaningless service principal anywhere in the trust.
    expect(JSON.stringify(trust)).not.toContain('"Service"');
    // Grants land in its inline policy like any role's.
    const inline = Object.values<any>(json.resource.aws_iam_role_policy)[0].policy;
    expect(JSON.parse(inline).Statement[0].Action).toBe("s3:GetObject");
  });

  it("uses StringLike for the subjects only when one has a wildcard, and keeps the audience exact", () => {
    const { trust } = trustOf(
      ["repo:o/r:pull_request:job_workflow_ref:o/r/.github/workflows/plan.yml@refs/pull/*/merge"],
      "custom",
    );
    expect(trust[0].Condition).toEqual({
      StringEquals: { [`${issuer}:aud`]: "custom" },
      StringLike: {
        [`${issuer}:sub`]: [
          "repo:o/r:pull_request:job_workflow_ref:o/r/.github/workflows/plan.yml@refs/pull/*/merge",
        ],
      },
    });
  });

  it("refuses no subjects, a subject admitting every token, an issuer with a scheme and an empty audience, all at once", () => {
    const make = () =>
      new FederatedRole(awsTestStack().stack, "ci", {
        name: "dp-dev-ci",
        accountId: "111111111111",
        issuer: "https://token.actions.githubusercontent.com",
        subjects: ["*"],
        audience: "",
      });
    expect(make).toThrow(
      'FederatedRole ci: issuer: a host (and path) without scheme, e.g. "token.actions.githubusercontent.com" (got "https://token.actions.githubusercontent.com"); subjects: "*" admits every token of the issuer; name the repository and workflow; audience: must not be empty (got "")',
    );
    expect(
      () =>
        new FederatedRole(awsTestStack().stack, "none", { name: "n", accountId: "1", issuer, subjects: [] }),
    ).toThrow("FederatedRole none: subjects: at least one subject (got none)");
  });
});
