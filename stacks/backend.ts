/**
 * Remote state per stack: `<env>/<stack>.tfstate` with locking (the cdktf form of one workspace
 * per environment). The backend type comes from the environment's config.
 */
import {
  CloudBackend,
  GcsBackend,
  LocalBackend,
  NamedCloudWorkspace,
  S3Backend,
  type TerraformStack,
} from "cdktf";
import type { StateConfig } from "../config/schema";

export function stateKey(envName: string, stackName: string): string {
  return `${envName}/${stackName}.tfstate`;
}

export function configureBackend(
  stack: TerraformStack,
  stackName: string,
  envName: string,
  state: StateConfig,
) {
  switch (state.type) {
    case "s3": {
      const backend = new S3Backend(stack, {
        bucket: state.bucket,
        key: stateKey(envName, stackName),
        region: state.region,
        encrypt: true,
        kmsKeyId: state.kmsKeyId,
        dynamodbTable: state.lock === "dynamodb" ? state.dynamodbTable : undefined,
      });
      // S3 native locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no typed field for it.
      if (state.lock === "lockfile") backend.addOverride("use_lockfile", true);
      return backend;
    }
    case "gcs":
      return new GcsBackend(stack, {
        bucket: state.bucket,
        prefix: [state.prefix, envName, stackName].filter(Boolean).join("/"),
      });
    case "cloud":
      return new CloudBackend(stack, {
        hostname: state.hostname,
        organization: state.organization,
        workspaces: new NamedCloudWorkspace(`${state.workspacePrefix}${stackName}`),
      });
    case "local":
      return new LocalBackend(stack, { path: `${stackName}.tfstate` });
  }
}
