/** `<prefix>-aws-<env>`: the AWS side of one environment, composed from modules. */
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema";
import { KmsKey } from "../modules/kms-key";
import { configureBackend } from "./backend";
import { awsProvider } from "./providers";

export interface AwsStackProps {
  readonly env: EnvironmentConfig;
}

export class AwsStack extends TerraformStack {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: AwsStackProps) {
    super(scope, id);
    const { env } = props;
    configureBackend(this, id, env.name, env.state);
    awsProvider(this, env.aws.region, env.aws.accountId, {
      project: env.prefix,
      environment: env.name,
      owner: env.owner,
      costCenter: env.costCenter,
    });
    this.key = new KmsKey(this, "platform-key", {
      alias: `${env.prefix}-${env.name}-platform`,
      description: `Data platform key (${env.name})`,
      accountId: env.aws.accountId,
      region: env.aws.region,
      services: ["logs", "sns", "cloudwatch", "events", "sqs"],
    });
  }
}
