/**
 * `<prefix>-bootstrap-<env>`: the state store of ONE environment account (bucket, key, optional
 * DynamoDB lock table). Applied by hand with that account's admin credentials, once.
 *
 * Its own state: `state.bootstrapState` in config. `local` (first apply) keeps it in
 * `terraform.<stack>.tfstate` at the project root (a relative path, so nothing machine-specific
 * lands in the synthesized JSON); `remote` keeps it in the bucket it created, at
 * `bootstrap/<stack>.tfstate` (then `terraform init -migrate-state`, see README).
 */
import { LocalBackend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema";
import { PROTECTION_METADATA_KEY } from "../lib/protection";
import { StateStore } from "../modules/state-store";
import { configureBackend } from "./backend";
import { stateKeyAlias } from "./names";
import { BOOTSTRAP_OUTPUTS, declareOutputs } from "./outputs";
import { awsProvider } from "./providers";

export interface BootstrapStackProps {
  /** The environment whose account gets the store; its `state` must be of type `s3`. */
  readonly env: EnvironmentConfig;
  /** Days a superseded state version is kept. @default 90 */
  readonly noncurrentVersionExpiryDays?: number;
}

/** Local state path of a bootstrap stack, relative to its synthesized folder (`cdktf.out/stacks/<stack>`). */
export const bootstrapLocalStatePath = (stack: string) => `../../../terraform.${stack}.tfstate`;

export class BootstrapStack extends TerraformStack {
  readonly store: StateStore;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    const { env } = props;
    // The policy pack reads the level from here (never from the stack's name).
    this.addOverride(`//.${PROTECTION_METADATA_KEY}`, env.protection);
    const state = env.state;
    if (state.type !== "s3") {
      throw new Error(
        `${env.name}.state.type: the bootstrap stack creates an S3 state store; got "${state.type}"`,
      );
    }
    if (state.bootstrapState === "remote") configureBackend(this, id, "bootstrap", state);
    else new LocalBackend(this, { path: bootstrapLocalStatePath(id) });
    awsProvider(this, state.region, env.aws.accountId, {
      project: env.prefix,
      environment: env.name,
      owner: env.owner,
      costCenter: env.costCenter,
    });
    this.store = new StateStore(this, "state", {
      bucketName: state.bucket,
      accountId: env.aws.accountId,
      region: state.region,
      prefix: env.prefix,
      keyAlias: stateKeyAlias(env.prefix, env.name),
      lockTableName: state.lock === "dynamodb" ? state.dynamodbTable : undefined,
      noncurrentVersionExpiryDays: props.noncurrentVersionExpiryDays,
      protection: env.protection,
    });
    declareOutputs(this, BOOTSTRAP_OUTPUTS, {
      state_bucket: this.store.bucket.bucketName,
      state_kms_key_arn: this.store.key.arn,
      lock_table: this.store.lockTable?.name,
    });
  }
}
