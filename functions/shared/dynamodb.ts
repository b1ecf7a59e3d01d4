/**
 * Items in the DynamoDB settings table (`pk`/`sk`), for settings and run records of every
 * pipeline function: consistent reads, and writes guarded by an optimistic `version` counter so
 * two runs never overwrite each other's record. Keys are conventions of the caller, e.g.
 * `pk = "source#<id>"`, `sk = "config" | "state"` (ingest) or `pk = "curate#<table>"`,
 * `sk = "run#<runId>"`.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { StorageError } from "./errors";

export interface ItemKey {
  pk: string;
  sk: string;
}

/** A document client that drops undefined attributes (optional fields stay absent). */
export function documentClient(client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export class DynamoDbItems {
  readonly doc: DynamoDBDocumentClient;

  constructor(
    readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
  ) {
    this.doc = documentClient(client);
  }

  private fail(op: string, key: ItemKey, e: unknown): never {
    throw new StorageError(
      `DynamoDB ${op} ${this.tableName} ${key.pk}/${key.sk} failed: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }

  /** The item's attributes other than pk/sk (consistent read), or undefined when absent. */
  async get<T = Record<string, unknown>>(key: ItemKey): Promise<T | undefined> {
    try {
      const r = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      if (!r.Item) return undefined;
      const { pk: _pk, sk: _sk, ...rest } = r.Item;
      return rest as T;
    } catch (e) {
      this.fail("GetItem", key, e);
    }
  }

  /** Unconditional put (settings written by tooling, append-only records with unique keys). */
  async put(key: ItemKey, attributes: Record<string, unknown>): Promise<void> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...attributes, ...key } }));
    } catch (e) {
      this.fail("PutItem", key, e);
    }
  }

  /**
   * Writes the item only if its stored `version` equals `expectedVersion` (undefined: only if no
   * item exists yet). Returns false when that condition failed (someone else wrote first).
   * The caller sets `attributes.version` (usually expectedVersion + 1).
   */
  async putIfVersion(
    key: ItemKey,
    attributes: Record<string, unknown> & { version: number },
    expectedVersion: number | undefined,
  ): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...attributes, ...key },
          ...(expectedVersion === undefined
            ? { ConditionExpression: "attribute_not_exists(pk)" }
            : {
                ConditionExpression: "#v = :v",
                ExpressionAttributeNames: { "#v": "version" },
                ExpressionAttributeValues: { ":v": expectedVersion },
              }),
        }),
      );
      return true;
    } catch (e) {
      if (
        e instanceof ConditionalCheckFailedException ||
        (e as Error).name === "ConditionalCheckFailedException"
      )
        return false;
      this.fail("PutItem", key, e);
    }
  }
}
