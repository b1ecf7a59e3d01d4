/**
 * Session transcripts: a dedicated KMS-encrypted bucket the audited host can only add to, and
 * sessions that run as a non-sudo user created before the SSM agent starts. Proven over the
 * synthesized policies with the IAM evaluator (test/helpers/iam-eval.ts).
 */
import { Testing } from "cdktf";
import { loadListOnly } from "../../config";
import { environments } from "../../config/environments";
import { loadEnvironments } from "../../config/load";
import { sources as sourceList } from "../../config/sources";
import { AwsStack } from "../../stacks/aws-stack";
import { isAllowed, rolePrincipal, statementsOf } from "../../test/helpers/iam-eval";
import { synthesize } from "../../test/helpers/stack";

const sources = [...loadListOnly(sourceList)];

const env = loadEnvironments(structuredClone(environments)).find((e) => e.name === "prod")!;
const s = synthesize(new AwsStack(Testing.app(), "dp-aws-prod", { env, sources }));
const ACCOUNT = "333333333333";
const BUCKET = `dp-prod-${ACCOUNT}-session-transcripts`;

describe("session transcripts", () => {
  const bucketId = Object.entries(s.of("aws_s3_bucket")).find(([, b]) => b.bucket === BUCKET)?.[0];
  const policy = Object.values(s.of("aws_s3_bucket_policy")).find(
    (p) => p.bucket === `\${aws_s3_bucket.${bucketId}.id}`,
  );
  const host = rolePrincipal(s.json, "dp-prod-iics-agent", ACCOUNT);
  const resourcePolicy = statementsOf(policy.policy, s.json);
  const can = (action: string, key: string) =>
    isAllowed(host, { action, resource: `arn:aws:s3:::${BUCKET}/${key}`, account: ACCOUNT, resourcePolicy });

  it("go to a dedicated, versioned bucket encrypted with its own key, named in the session preferences", () => {
    expect(bucketId).toBeDefined();
    const doc = JSON.parse(s.one("aws_ssm_document").content).inputs;
    expect(doc.s3BucketName).toBe(`\${aws_s3_bucket.${bucketId}.bucket}`);
    expect(doc.s3KeyPrefix).toBe("ssm-sessions/");
    const sse = Object.values(s.of("aws_s3_bucket_server_side_encryption_configuration")).find((e) =>
      e.bucket.includes(bucketId!),
    );
    const keyRef = sse.rule[0].apply_server_side_encryption_by_default.kms_master_key_id;
    expect(keyRef).toMatch(/aws_kms_key\.iics-agent_transcripts_key/);
    expect(doc.kmsKeyId).toBe(keyRef);
    const logGroup = Object.values(s.of("aws_cloudwatch_log_group")).find(
      (g) => g.name === "/dp-prod/ssm/sessions",
    );
    expect(logGroup.kms_key_id).toBe(keyRef);
    const versioning = Object.values(s.of("aws_s3_bucket_versioning")).find((v) =>
      v.bucket.includes(bucketId!),
    );
    expect(versioning.versioning_configuration.status).toBe("Enabled");
  });

  it("the host can add transcripts and nothing else: no read back, delete, version delete or bucket change", () => {
    expect(can("s3:PutObject", "ssm-sessions/session-1.log")).toBe(true);
    expect(can("s3:PutObject", "elsewhere/x")).toBe(false);
    for (const action of [
      "s3:GetObject",
      "s3:DeleteObject",
      "s3:DeleteObjectVersion",
      "s3:PutObjectAcl",
      "s3:PutBucketPolicy",
      "s3:PutBucketVersioning",
      "s3:PutLifecycleConfiguration",
    ]) {
      expect({ action, allowed: can(action, "ssm-sessions/session-1.log") }).toEqual({
        action,
        allowed: false,
      });
    }
    // Denied by the bucket policy itself, so a later broad IAM grant to the host changes nothing.
    const broadened = {
      ...host,
      identity: [...host.identity, { Effect: "Allow" as const, Action: "s3:*", Resource: "*" }],
    };
    for (const action of [
      "s3:DeleteObject",
      "s3:DeleteObjectVersion",
      "s3:GetObject",
      "s3:PutBucketVersioning",
    ]) {
      expect({
        action,
        allowed: isAllowed(broadened, {
          action,
          resource: `arn:aws:s3:::${BUCKET}/ssm-sessions/a`,
          account: ACCOUNT,
          resourcePolicy,
        }),
      }).toEqual({ action, allowed: false });
    }
  });

  it("no longer lands in the access-logs bucket (SSE-S3, writable by log delivery)", () => {
    const doc = JSON.parse(s.one("aws_ssm_document").content).inputs;
    expect(doc.s3BucketName).not.toMatch(/access-logs/);
  });

  it("sessions run as a non-sudo user created before the SSM agent starts", () => {
    const ud = s.one("aws_instance").user_data as string;
    const user = ud.indexOf("useradd --create-home --shell /bin/bash ssm-user");
    const agent = ud.indexOf("systemctl enable --now amazon-ssm-agent");
    expect(user).toBeGreaterThan(0);
    expect(user).toBeLessThan(agent);
    expect(ud.indexOf("rm -f /etc/sudoers.d/ssm-agent-users")).toBeLessThan(agent);
    expect(ud).toContain("gpasswd -d ssm-user wheel");
    expect(ud).not.toMatch(/usermod .*wheel|NOPASSWD/);
  });
});
