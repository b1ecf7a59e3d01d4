import { ACCOUNT, awsTestStack, REGION, statements, synthesize } from "../../test/helpers/stack";
import { AgentHost, type AgentHostProps } from ".";

function host(extra: Partial<AgentHostProps> = {}) {
  const { stack, key } = awsTestStack();
  const h = new AgentHost(stack, "agent", {
    name: "dp-dev",
    accountId: ACCOUNT,
    region: REGION,
    vpcId: "vpc-0123456789abcdef0",
    subnetId: "subnet-0123456789abcdef0",
    availabilityZone: `${REGION}a`,
    instanceType: "m6i.large",
    amiId: "ami-0123456789abcdef0",
    rootVolume: { sizeGiB: 50 },
    dataVolume: { sizeGiB: 100, iops: 6000, throughputMiBps: 250 },
    key,
    transcriptsBucketName: `dp-dev-${ACCOUNT}-session-transcripts`,
    ...extra,
  });
  return { stack, host: h };
}

describe("AgentHost", () => {
  it("runs in the private subnet with no public IP, IMDSv2 only (hop limit 1) and encrypted gp3 volumes", () => {
    const s = synthesize(host().stack);
    expect(s.one("aws_instance")).toMatchObject({
      subnet_id: "subnet-0123456789abcdef0",
      associate_public_ip_address: false,
      metadata_options: { http_tokens: "required", http_put_response_hop_limit: 1 },
      root_block_device: {
        volume_type: "gp3",
        encrypted: true,
        iops: 3000,
        throughput: 125,
        volume_size: 50,
      },
    });
    expect(s.one("aws_ebs_volume")).toMatchObject({
      type: "gp3",
      encrypted: true,
      iops: 6000,
      throughput: 250,
    });
    expect(s.one("aws_ebs_volume").lifecycle).toBeUndefined();
    const sg = s.one("aws_security_group");
    expect(sg.ingress).toEqual([]);
    expect(sg.egress.map((e: any) => [e.protocol, e.from_port, e.to_port])).toEqual([["tcp", 443, 443]]);
  });

  it("under strict protection keeps the data volume and the transcripts bucket and key from destroy", () => {
    const s = synthesize(host({ protection: "strict" }).stack);
    expect(s.one("aws_ebs_volume").lifecycle).toEqual({ prevent_destroy: true });
    expect(s.one("aws_s3_bucket", "transcripts").lifecycle).toEqual({ prevent_destroy: true });
    expect(s.one("aws_kms_key", "transcripts").lifecycle).toEqual({ prevent_destroy: true });
  });

  it("grants its role the host key, transcript upload under ssm-sessions/ and nothing on other buckets", () => {
    const s = synthesize(host().stack);
    const st = statements(s.one("aws_iam_role_policy", "agent").policy);
    const put = st.find((x) => [x.Action].flat().includes("s3:PutObject"));
    expect(put.Resource).toMatch(/\/ssm-sessions\/\*$/);
    expect(st.flatMap((x) => [x.Action].flat())).not.toContain("s3:GetObject");
    expect(
      st.some(
        (x) => [x.Action].flat().includes("kms:GenerateDataKey*") && /aws_kms_key\.key_/.test(x.Resource),
      ),
    ).toBe(true);
  });

  it("creates its alarms in its own scope, notifying the target's topic, and graphs on its dashboard", () => {
    const widgets: string[] = [];
    const target = {
      topicArn: "arn:aws:sns:ap-northeast-1:111111111111:alarms",
      addWidget: (t: string) => void widgets.push(t),
    };
    const s = synthesize(host({ monitoring: target }).stack);
    const alarms = Object.entries(s.of("aws_cloudwatch_metric_alarm"));
    expect(alarms.length).toBeGreaterThanOrEqual(10);
    for (const [id, a] of alarms) {
      expect(id.startsWith("agent_")).toBe(true);
      expect(a.alarm_actions).toEqual([target.topicArn]);
      expect(a.ok_actions).toEqual([target.topicArn]);
    }
    expect(alarms.map(([, a]) => a.alarm_name)).toEqual(
      expect.arrayContaining(["dp-dev-iics-agent-status-check", "dp-dev-iics-agent-ebs-data-iops"]),
    );
    expect(widgets).toContain("Secure Agent host CPU %");
  });

  it("refuses an AMI, volumes, timeouts and users EC2 or Session Manager would reject, in one error", () => {
    expect(() =>
      host({
        amiId: "rhel9",
        availabilityZone: "us-east-1a",
        dataVolume: { sizeGiB: 4, iops: 3000, throughputMiBps: 1000 },
        idleSessionTimeoutMinutes: 90,
        runAsUser: "root",
        logRetentionDays: 45,
      }),
    ).toThrow(
      [
        `AgentHost agent: amiId must be an AMI id (ami- and 8 or 17 hex digits) (got "rhel9")`,
        `availabilityZone "us-east-1a" is not a zone of ${REGION}`,
        "dataVolume.iops must be at most 500 per GiB (2000 for 4 GiB) (got 3000)",
        "dataVolume.throughputMiBps must be at most iops / 4 (750) (got 1000)",
        "idleSessionTimeoutMinutes must be an integer from 1 to 60 (got 90)",
        `runAsUser must be a Linux user name other than root (got "root")`,
        "logRetentionDays CloudWatch Logs accepts only",
      ].join("; "),
    );
  });
});
