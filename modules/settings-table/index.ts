/**
 * The settings table: DynamoDB on demand, key `pk` + `sk` (strings), PITR, customer KMS key,
 * deletion protection and `prevent_destroy` by protection level. Settings from the reviewed files
 * in `config/` are written as items (`pk = "<kind>#<id>"`, `sk = "config"`): every change goes
 * through a PR. Run state (`sk = "state"`) is written by the functions, never by Terraform.
 *
 * | protection | deletion_protection_enabled | prevent_destroy |
 * |------------|-----------------------------|-----------------|
 * | none       | false                       | no              |
 * | standard   | true                        | no              |
 * | strict     | true                        | yes             |
 */
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { DynamodbTableItem } from "@cdktf/provider-aws/lib/dynamodb-table-item";
import { Construct } from "constructs";
import { CONFIG_SK } from "../../functions/shared/settings-keys";
import { PropsValidator } from "../../lib/props";
import { dataLifecycle, type Protection, protectionOf } from "../../lib/protection";
import type { IGrantable } from "../iam/service-role";
import type { KmsKey } from "../kms-key";
import { toAttributeValue } from "./marshal";
import { TABLE_READ, TABLE_WRITE } from "./perms";

/** DynamoDB's item size limit (attribute names and values, UTF-8). */
export const MAX_ITEM_BYTES = 400 * 1024;
/** Sort key of the items Terraform writes (the contract with the functions). */
export const CONFIG_SORT_KEY = CONFIG_SK;

export interface SettingsTableProps {
  /** Table name (3-255 letters, digits, `_`, `-`, `.`). */
  readonly tableName: string;
  /** Customer key for server-side encryption; granted with the table. */
  readonly key: KmsKey;
  /**
   * Protection level of the environment: deletion protection unless `none`, `prevent_destroy`
   * under `strict`. @default "standard"
   */
  readonly protection?: Protection;
  /** Items to write, keyed by `pk`; each gets `sk = "config"`. @default {} */
  readonly configItems?: Record<string, Record<string, unknown>>;
}

export class SettingsTable extends Construct {
  /** The `aws_dynamodb_table` resource. */
  readonly table: DynamodbTable;
  /** Table name (a reference: dependants wait for the table). */
  readonly tableName: string;
  /** Table ARN, `arn:aws:dynamodb:<region>:<account>:table/<name>`. */
  readonly arn: string;
  /** The key the table is encrypted with (granted by `grant*`). */
  readonly encryptionKey: KmsKey;

  constructor(scope: Construct, id: string, props: SettingsTableProps) {
    super(scope, id);
    const v = new PropsValidator("SettingsTable", id);
    v.matches(
      "tableName",
      props.tableName,
      /^[A-Za-z0-9_.-]{3,255}$/,
      "3-255 letters, digits, '_', '-' or '.'",
    );
    const items: Array<[string, Record<string, unknown>]> = [];
    for (const [pk, attributes] of Object.entries(props.configItems ?? {})) {
      const item: Record<string, unknown> = { pk: { S: pk }, sk: { S: CONFIG_SORT_KEY } };
      for (const [k, value] of Object.entries(attributes)) {
        if (value === undefined) continue;
        if (k === "pk" || k === "sk") {
          v.conflict(`configItems["${pk}"].${k} is the table's key and is set by the module`);
          continue;
        }
        try {
          item[k] = toAttributeValue(value);
        } catch (e) {
          v.conflict(`configItems["${pk}"].${k}: ${(e as Error).message}`);
        }
      }
      const bytes = Buffer.byteLength(JSON.stringify(item));
      if (bytes > MAX_ITEM_BYTES)
        v.conflict(
          `configItems["${pk}"] is about ${bytes} bytes (DynamoDB items hold at most ${MAX_ITEM_BYTES})`,
        );
      items.push([pk, item]);
    }
    v.throwIfInvalid();

    this.encryptionKey = props.key;
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
      deletionProtectionEnabled: protectionOf(props.protection).deletionProtection,
      lifecycle: dataLifecycle(props.protection),
    });
    this.tableName = this.table.name;
    this.arn = this.table.arn;
    for (const [pk, item] of items) {
      new DynamodbTableItem(this, `item-${pk.replace(/[^A-Za-z0-9_-]/g, "-")}`, {
        tableName: this.table.name,
        hashKey: "pk",
        rangeKey: "sk",
        item: JSON.stringify(item),
      });
    }
  }

  /** Read settings items, and decrypt with the table's key. */
  grantRead(grantee: IGrantable): void {
    grantee.addToPolicy({ Effect: "Allow", Action: [...TABLE_READ], Resource: this.arn });
    this.encryptionKey.grantDecrypt(grantee);
  }

  /** Read settings and write run state items, and use the table's key. */
  grantReadWrite(grantee: IGrantable): void {
    grantee.addToPolicy({ Effect: "Allow", Action: [...TABLE_READ, ...TABLE_WRITE], Resource: this.arn });
    this.encryptionKey.grantEncryptDecrypt(grantee);
  }
}
