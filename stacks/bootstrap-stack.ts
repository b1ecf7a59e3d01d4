/** `bootstrap`: the remote state store every other stack keeps its state in. Starts on local state. */
import { LocalBackend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { StateStore } from "../modules/state-store";
import { awsProvider } from "./providers";

export interface BootstrapStackProps {
  readonly prefix: string;
  readonly accountId: string;
  readonly region: string;
  readonly stateBucket: string;
  readonly dynamodbLockTable: boolean;
  readonly noncurrentVersionExpiryDays: number;
  readonly owner: string;
  readonly costCenter: string;
  /** Environments whose CI roles may use their own state. @default [] */
  readonly ciEnvironments?: ReadonlyArray<{ prefix: string; name: string; accountId: string }>;
}

export class BootstrapStack extends TerraformStack {
  readonly store: StateStore;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    // Local state first; after the first apply, switch to the bucket it created (README, "Bootstrap").
    new LocalBackend(this, {});
    awsProvider(this, props.region, props.accountId, {
      project: props.prefix,
      environment: "shared",
      owner: props.owner,
      costCenter: props.costCenter,
    });
    this.store = new StateStore(this, "state", {
      bucketName: props.stateBucket,
      accountId: props.accountId,
      region: props.region,
      prefix: props.prefix,
      dynamodbLockTable: props.dynamodbLockTable,
      noncurrentVersionExpiryDays: props.noncurrentVersionExpiryDays,
      ciEnvironments: props.ciEnvironments,
    });
  }
}
