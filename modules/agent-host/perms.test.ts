import { allowed } from "../../test/helpers/policy-eval";
import { agentStatements, CW_AGENT_NAMESPACE } from "./perms";

const REGION = "ap-northeast-1";
const ACCOUNT = "111111111111";
const hostLogs = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/dp-dev/iics-agent`;
const sessionLogs = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/dp-dev/ssm/sessions`;
const policy = {
  Statement: agentStatements({ region: REGION, accountId: ACCOUNT, logGroupArns: [hostLogs, sessionLogs] }),
};
const instance = `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`;

describe("agent host statements", () => {
  it.each([
    ["SSM heartbeat", "ssm:UpdateInstanceInformation", instance],
    ["Session Manager control channel", "ssmmessages:CreateControlChannel", "*"],
    ["Session Manager data channel", "ssmmessages:OpenDataChannel", "*"],
    ["Run Command polling", "ec2messages:GetMessages", "*"],
    ["Run Command reply", "ec2messages:SendReply", "*"],
    ["State Manager", "ssm:ListInstanceAssociations", instance],
    ["patch compliance", "ssm:PutComplianceItems", instance],
    ["patch snapshot", "ssm:GetDeployablePatchSnapshotForInstance", "*"],
    ["AWS-owned document", "ssm:GetDocument", `arn:aws:ssm:${REGION}::document/AWS-RunPatchBaseline`],
    ["EBS volume metadata", "ec2:DescribeVolumes", "*"],
    ["agent log stream", "logs:PutLogEvents", `${hostLogs}:log-stream:i-0123/messages`],
    ["session log stream", "logs:CreateLogStream", `${sessionLogs}:log-stream:s-1`],
  ])("lets the agents work: %s", (_what, action, resource) => {
    expect(allowed(policy, { action, resource })).toBe(true);
  });

  it("publishes metrics only to the CloudWatch agent's namespace", () => {
    const put = (ns: string) =>
      allowed(policy, {
        action: "cloudwatch:PutMetricData",
        resource: "*",
        context: { "cloudwatch:namespace": ns },
      });
    expect(put(CW_AGENT_NAMESPACE)).toBe(true);
    expect(put("AWS/Billing-Forged")).toBe(false);
  });

  it.each([
    [
      "read any SSM parameter",
      "ssm:GetParameter",
      `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/dp/prod/db-password`,
    ],
    ["read parameters by path", "ssm:GetParametersByPath", `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/`],
    ["create a log group", "logs:CreateLogGroup", `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/anything`],
    [
      "write another log group",
      "logs:PutLogEvents",
      `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/x:log-stream:y`,
    ],
    [
      "report for an instance of another account",
      "ssm:PutInventory",
      `arn:aws:ec2:${REGION}:999999999999:instance/i-1`,
    ],
    ["send commands to other nodes", "ssm:SendCommand", instance],
    ["start sessions itself", "ssm:StartSession", instance],
  ])("does not let the host %s", (_what, action, resource) => {
    expect(allowed(policy, { action, resource })).toBe(false);
  });

  it("names a scoped resource wherever the action supports one", () => {
    const scoped = policy.Statement.filter((s) => s.Resource !== "*");
    expect(scoped.map((s) => s.Sid).sort()).toEqual(["AgentLogStreams", "SsmDocuments", "SsmNodeReporting"]);
    // What stays on "*" is exactly what AWS offers no resource type for (or guards by condition).
    expect(
      policy.Statement.filter((s) => s.Resource === "*")
        .map((s) => s.Sid)
        .sort(),
    ).toEqual([
      "CloudWatchAgentMetadata",
      "CloudWatchAgentMetrics",
      "PatchBaselineSnapshot",
      "RunCommandMessages",
      "SessionManagerChannels",
      "SsmAgentHeartbeat",
    ]);
  });
});
