/** `<prefix>-gcp-<env>`: the GCP side of one environment (BigQuery targets of IICS, identities). */
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema";
import { configureBackend } from "./backend";
import { googleProvider } from "./providers";

export interface GcpStackProps {
  readonly env: EnvironmentConfig;
}

export class GcpStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: GcpStackProps) {
    super(scope, id);
    const { env } = props;
    configureBackend(this, id, env.name, env.state);
    googleProvider(this, env.gcp.projectId, env.gcp.location, {
      project: env.prefix,
      environment: env.name,
      owner: env.owner,
      costCenter: env.costCenter,
    });
  }
}
