import { ACCOUNT, awsTestStack, REGION, statements, synthesize } from "../../test/helpers/stack";
import { Network, type NetworkProps } from ".";

function network(extra: Partial<NetworkProps> = {}) {
  const { stack, key } = awsTestStack();
  const n = new Network(stack, "net", {
    name: "dp-dev",
    accountId: ACCOUNT,
    region: REGION,
    cidr: "10.10.0.0/16",
    availabilityZones: [`${REGION}a`, `${REGION}c`],
    interfaceEndpoints: ["ssm", "logs"],
    logKey: key,
    ...extra,
  });
  return { stack, network: n };
}

describe("Network", () => {
  it("puts private subnets in every AZ without public IPs and closes the default security group", () => {
    const s = synthesize(network().stack);
    const subnets = Object.values(s.of("aws_subnet"));
    expect(subnets.map((x) => [x.tags.tier, x.cidr_block]).sort()).toEqual([
      ["private", "10.10.0.0/20"],
      ["private", "10.10.16.0/20"],
      ["public", "10.10.128.0/20"],
      ["public", "10.10.144.0/20"],
    ]);
    for (const x of subnets) expect(x.map_public_ip_on_launch).toBe(false);
    expect(s.one("aws_default_security_group")).toMatchObject({ ingress: [], egress: [] });
  });

  it("builds NAT gateways per the natGateways table: none, single, per-az", () => {
    const count = (nat: NetworkProps["natGateways"]) =>
      Object.keys(synthesize(network({ natGateways: nat }).stack).of("aws_nat_gateway")).length;
    expect([count("none"), count("single"), count("per-az")]).toEqual([0, 1, 2]);
    const none = synthesize(network({ natGateways: "none" }).stack);
    expect(Object.keys(none.of("aws_internet_gateway"))).toHaveLength(0);
    for (const rt of Object.values(none.of("aws_route_table"))) expect(rt.route).toEqual([]);
  });

  it("adds gateway and interface endpoints with account-scoped policies, and flow logs to an encrypted group", () => {
    const s = synthesize(network({ s3EndpointBuckets: [`dp-dev-${ACCOUNT}-*`] }).stack);
    const endpoints = Object.values(s.of("aws_vpc_endpoint"));
    expect(endpoints.map((e) => [e.service_name, e.vpc_endpoint_type]).sort()).toEqual([
      [`com.amazonaws.${REGION}.dynamodb`, "Gateway"],
      [`com.amazonaws.${REGION}.logs`, "Interface"],
      [`com.amazonaws.${REGION}.s3`, "Gateway"],
      [`com.amazonaws.${REGION}.ssm`, "Interface"],
    ]);
    for (const e of endpoints) expect(e.policy).toContain(ACCOUNT);
    expect(s.one("aws_cloudwatch_log_group")).toMatchObject({
      retention_in_days: 90,
      kms_key_id: expect.stringMatching(/aws_kms_key\.key/),
    });
    expect(s.one("aws_flow_log")).toMatchObject({
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
    });
    const [grant] = statements(s.one("aws_iam_role_policy").policy);
    expect(grant).toMatchObject({
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: expect.stringMatching(/aws_cloudwatch_log_group\.net_flow-logs.*\.arn\}:\*$/),
    });
  });

  it("refuses a CIDR, zones, endpoints and retention AWS would reject, naming each prop, in one error", () => {
    expect(() =>
      network({
        cidr: "10.10.0.1/16",
        availabilityZones: [`${REGION}a`, `${REGION}a`, "us-east-1b"],
        interfaceEndpoints: ["ssm", "s3"],
        flowLogRetentionDays: 45,
      }),
    ).toThrow(
      [
        `Network net: cidr must be an IPv4 network in CIDR notation (got "10.10.0.1/16")`,
        `availabilityZones must not repeat a zone (got ["${REGION}a","${REGION}a","us-east-1b"])`,
        `availabilityZones "us-east-1b" is not a zone of ${REGION}`,
        `interfaceEndpoints must not include s3 (it has a gateway endpoint already) (got "s3")`,
        "flowLogRetentionDays CloudWatch Logs accepts only",
      ].join("; "),
    );
    expect(() => network({ cidr: "10.0.0.0/26" })).toThrow(
      'cidr must be a /16 to /24 network (got "10.0.0.0/26")',
    );
  });
});
