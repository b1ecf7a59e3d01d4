/**
 * The settings table: DynamoDB on demand, key `pk` + `sk` (strings), PITR, customer KMS key,
 * deletion protection (on in prod). Source settings from the reviewed files in `config/` are
 * written as items (`pk = "source#<id>"`, `sk = "config"`): every change goes through a PR.
 * Run state (`sk = "state"`) is written by the functions, never by Terraform.
 */
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { DynamodbTableItem } from "@cdktf/provider-aws/lib/dynamodb-table-item";
import { Construct } from "constructs";
import type { IGrantable } from "../iam/service-role";
import type { KmsKey } from "../kms-key";
import { toAttributeValue } from "./marshal";

export interface SettingsTableProps {
  readonly tableName: string;
  readonly key: KmsKey;
  /** @default false */
  readonly deletionProtection?: boolean;
  /** Items to write, keyed by `pk`; each gets `sk = "config"`. @default {} */
  readonly configItems?: Record<string, Record<string, unknown>>;
}

export class SettingsTable extends Construct {
  readonly table: DynamodbTable;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: SettingsTableProps,
  ) {
    super(scope, id);
    this.table = new DynamodbTable(this, "table", {
      name: props.tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: "pk",
      rangeKey: "sk",
      attribute: [
        { name: "pk", type: "S" },
        { name: "sk", type: "S" },
      ],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.key.arn },
      deletionProtectionEnabled: props.deletionProtection ?? false,
    });
    for (const [pk, attributes] of Object.entries(props.configItems ?? {})) {
      const item: Record<string, unknown> = { pk: { S: pk }, sk: { S: "config" } };
      for (const [k, v] of Object.entries(attributes)) {
        if (v !== undefined) item[k] = toAttributeValue(v);
      }
      new DynamodbTableItem(this, `item-${pk.replace(/[^A-Za-z0-9_-]/g, "-")}`, {
        tableName: this.table.name,
        hashKey: "pk",
        rangeKey: "sk",
        item: JSON.stringify(item),
      });
    }
  }

  /** Read settings items (and the key). */
  grantRead(grantee: IGrantable): void {
    grantee.addToPolicy({
      Effect: "Allow",
      Action: ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem"],
      Resource: this.table.arn,
    });
    this.props.key.grantDecrypt(grantee);
  }

  /** Read settings and write run state items. */
  grantReadWrite(grantee: IGrantable): void {
    grantee.addToPolicy({
      Effect: "Allow",
      Action: [
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:BatchGetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:ConditionCheckItem",
      ],
      Resource: this.table.arn,
    });
    this.props.key.grantEncryptDecrypt(grantee);
  }
}
