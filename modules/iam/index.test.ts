import { Testing } from "cdktf";
import { awsTestStack } from "../../test/helpers/stack";
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
