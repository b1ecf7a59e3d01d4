/**
 * VPC across the configured AZs: private subnets for workloads, public subnets + NAT only when
 * egress is wanted, gateway endpoints (S3, DynamoDB), interface endpoints with private DNS, an
 * endpoint policy on each that admits only this account (see `endpoint-policies.ts`),
 * flow logs to an encrypted log group, and the default security group closed.
 *
 * | natGateways | public subnets | NAT gateways | private egress         |
 * |-------------|----------------|--------------|------------------------|
 * | none        | no             | 0            | VPC endpoints only     |
 * | single      | one per AZ     | 1 (first AZ) | all AZs through one NAT|
 * | per-az      | one per AZ     | one per AZ   | each AZ its own NAT    |
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Construct } from "constructs";
import { cidrSubnet, parseCidr } from "../../lib/cidr";
import { PropsValidator } from "../../lib/props";
import { logRetentionProblem } from "../../lib/rules/retention";
import { ServiceRole } from "../iam/service-role";
import type { KmsKey } from "../kms-key";
import { NETWORK_DEFAULTS } from "./defaults";
import { accountEndpointPolicy, s3EndpointPolicy } from "./endpoint-policies";
import { FLOW_LOGS_WRITE } from "./perms";

/** At most this many AZs: private subnets take /20 slots 0-7 and public ones 8-15 of the VPC. */
export const MAX_AZS = 8;

export interface NetworkProps {
  /** Name prefix, e.g. `dp-dev`. */
  readonly name: string;
  /** Account the endpoint policies admit (12 digits). */
  readonly accountId: string;
  /** Region of the VPC (endpoint service names, AZ names). */
  readonly region: string;
  /** VPC IPv4 CIDR, /16 to /24 (16 subnets of a sixteenth each). */
  readonly cidr: string;
  /** AZ names in `region` (no lookup), 1 to 8, distinct. */
  readonly availabilityZones: string[];
  /** NAT gateways for private egress (see the table above). @default "single" */
  readonly natGateways?: "none" | "single" | "per-az";
  /** Interface endpoint service short names (`ssm`, `logs`, ...). @default [] */
  readonly interfaceEndpoints?: string[];
  /** Key for the flow log group. */
  readonly logKey: KmsKey;
  /** Days flow logs are kept (a CloudWatch Logs retention value). @default 90 */
  readonly flowLogRetentionDays?: number;
  /**
   * Bucket names (or `*` patterns such as `dp-dev-111111111111-*`) principals of this account may
   * reach through the S3 gateway endpoint; the regional AWS-owned buckets the SSM and CloudWatch
   * agents download from are always allowed (see `endpoint-policies.ts`).
   * @default [] - only the AWS-owned agent buckets
   */
  readonly s3EndpointBuckets?: string[];
}

export class Network extends Construct {
  /** The `aws_vpc` resource (`vpc.id`: `vpc-…`). */
  readonly vpc: Vpc;
  /** Private subnet ids (`subnet-…`), one per AZ in the order of `availabilityZones`. */
  readonly privateSubnetIds: string[];
  /** Public subnet ids (NAT only), one per AZ; empty when `natGateways` is `none`. */
  readonly publicSubnetIds: string[];
  /** Route table ids of the private subnets, one per AZ. */
  readonly privateRouteTableIds: string[];
  /** Security group of the interface endpoints (HTTPS from the VPC). */
  readonly endpointSecurityGroup: SecurityGroup;
  /** Id of the S3 gateway endpoint (`vpce-…`). */
  readonly s3EndpointId: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    validate(id, props);
    const azs = props.availabilityZones;
    const nat = props.natGateways ?? NETWORK_DEFAULTS.natGateways;
    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: props.name },
    });
    // Closed: no ingress, no egress rules on the default security group (FSBP EC2.2).
    new DefaultSecurityGroup(this, "default-sg", { vpcId: this.vpc.id, ingress: [], egress: [] });

    // /20 subnets: private from index 0, public from index 8 (room for 8 AZs each).
    const privateSubnets = azs.map(
      (az, i) =>
        new Subnet(this, `private-${az}`, {
          vpcId: this.vpc.id,
          availabilityZone: az,
          cidrBlock: cidrSubnet(props.cidr, 4, i),
          mapPublicIpOnLaunch: false,
          tags: { Name: `${props.name}-private-${az}`, tier: "private" },
        }),
    );
    this.privateSubnetIds = privateSubnets.map((s) => s.id);

    let natIds: string[] = [];
    const publicSubnets: Subnet[] = [];
    if (nat !== "none") {
      const igw = new InternetGateway(this, "igw", { vpcId: this.vpc.id, tags: { Name: props.name } });
      const publicRt = new RouteTable(this, "public-rt", {
        vpcId: this.vpc.id,
        route: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
        tags: { Name: `${props.name}-public` },
      });
      azs.forEach((az, i) => {
        const subnet = new Subnet(this, `public-${az}`, {
          vpcId: this.vpc.id,
          availabilityZone: az,
          cidrBlock: cidrSubnet(props.cidr, 4, 8 + i),
          // Public subnets hold only NAT gateways (which have their own EIP); nothing gets a public IP.
          mapPublicIpOnLaunch: false,
          tags: { Name: `${props.name}-public-${az}`, tier: "public" },
        });
        new RouteTableAssociation(this, `public-rta-${az}`, {
          subnetId: subnet.id,
          routeTableId: publicRt.id,
        });
        publicSubnets.push(subnet);
      });
      const natAzs = nat === "per-az" ? azs : azs.slice(0, 1);
      natIds = natAzs.map((az, i) => {
        const eip = new Eip(this, `nat-eip-${az}`, {
          domain: "vpc",
          tags: { Name: `${props.name}-nat-${az}` },
        });
        return new NatGateway(this, `nat-${az}`, {
          allocationId: eip.id,
          subnetId: publicSubnets[i].id,
          tags: { Name: `${props.name}-${az}` },
          dependsOn: [igw],
        }).id;
      });
    }
    this.publicSubnetIds = publicSubnets.map((s) => s.id);

    const privateRts = azs.map((az, i) => {
      const natId = natIds.length === 0 ? undefined : natIds[Math.min(i, natIds.length - 1)];
      const rt = new RouteTable(this, `private-rt-${az}`, {
        vpcId: this.vpc.id,
        route: natId ? [{ cidrBlock: "0.0.0.0/0", natGatewayId: natId }] : [],
        tags: { Name: `${props.name}-private-${az}` },
      });
      new RouteTableAssociation(this, `private-rta-${az}`, {
        subnetId: privateSubnets[i].id,
        routeTableId: rt.id,
      });
      return rt;
    });
    this.privateRouteTableIds = privateRts.map((rt) => rt.id);

    const policyContext = { accountId: props.accountId, region: props.region };
    const gateway = (svc: string) =>
      new VpcEndpoint(this, `gw-${svc}`, {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${props.region}.${svc}`,
        vpcEndpointType: "Gateway",
        routeTableIds: this.privateRouteTableIds,
        policy:
          svc === "s3"
            ? s3EndpointPolicy(policyContext, props.s3EndpointBuckets ?? [])
            : accountEndpointPolicy(policyContext, svc),
        tags: { Name: `${props.name}-${svc}` },
      });
    this.s3EndpointId = gateway("s3").id;
    gateway("dynamodb");

    this.endpointSecurityGroup = new SecurityGroup(this, "endpoints-sg", {
      name: `${props.name}-vpc-endpoints`,
      description: "HTTPS from inside the VPC to interface endpoints",
      vpcId: this.vpc.id,
      ingress: [
        {
          description: "HTTPS from the VPC",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: [props.cidr],
        },
      ],
      egress: [],
      tags: { Name: `${props.name}-vpc-endpoints` },
    });
    for (const svc of props.interfaceEndpoints ?? []) {
      new VpcEndpoint(this, `if-${svc}`, {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${props.region}.${svc}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: this.privateSubnetIds,
        securityGroupIds: [this.endpointSecurityGroup.id],
        policy: accountEndpointPolicy(policyContext, svc),
        tags: { Name: `${props.name}-${svc}` },
      });
    }

    const logGroup = new CloudwatchLogGroup(this, "flow-logs", {
      name: `/${props.name}/vpc/flow-logs`,
      retentionInDays: props.flowLogRetentionDays ?? NETWORK_DEFAULTS.flowLogRetentionDays,
      kmsKeyId: props.logKey.arn,
    });
    const role = new ServiceRole(this, "flow-logs-role", {
      name: `${props.name}-vpc-flow-logs`,
      service: "vpc-flow-logs.amazonaws.com",
      accountId: props.accountId,
    });
    role.addToPolicy({
      Effect: "Allow",
      Action: [...FLOW_LOGS_WRITE],
      Resource: `${logGroup.arn}:*`,
    });
    new FlowLog(this, "flow-log", {
      vpcId: this.vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
    });
  }
}

function validate(id: string, props: NetworkProps): void {
  const v = new PropsValidator("Network", id);
  v.matches("accountId", props.accountId, /^\d{12}$/, "a 12-digit AWS account id");
  v.check("cidr", props.cidr, (c) => {
    const parsed = parseCidr(c);
    if (!parsed) return `must be an IPv4 network in CIDR notation (got "${c}")`;
    if (parsed.bits < 16 || parsed.bits > 24) return `must be a /16 to /24 network (got "${c}")`;
    return undefined;
  });
  const azs = props.availabilityZones;
  if (azs.length === 0 || azs.length > MAX_AZS)
    v.fail("availabilityZones", `must list 1 to ${MAX_AZS} zones`, azs);
  if (new Set(azs).size !== azs.length) v.fail("availabilityZones", "must not repeat a zone", azs);
  for (const az of azs)
    v.check("availabilityZones", az, (a) =>
      /^[a-z]{2}-[a-z]+-\d[a-z]$/.test(a) && a.startsWith(props.region)
        ? undefined
        : `"${a}" is not a zone of ${props.region}`,
    );
  v.oneOf("natGateways", props.natGateways, ["none", "single", "per-az"]);
  const endpoints = props.interfaceEndpoints ?? [];
  for (const [i, e] of endpoints.entries())
    v.matches(
      `interfaceEndpoints[${i}]`,
      e,
      /^[a-z0-9][a-z0-9.-]*$/,
      "a service short name such as ssm or logs",
    );
  if (new Set(endpoints).size !== endpoints.length)
    v.fail("interfaceEndpoints", "must not repeat a service", endpoints);
  for (const gw of ["s3", "dynamodb"])
    if (endpoints.includes(gw))
      v.fail("interfaceEndpoints", `must not include ${gw} (it has a gateway endpoint already)`, gw);
  v.check("flowLogRetentionDays", props.flowLogRetentionDays, logRetentionProblem);
  v.throwIfInvalid();
}
