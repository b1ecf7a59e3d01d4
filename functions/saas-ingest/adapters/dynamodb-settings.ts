/** SettingsStore on the DynamoDB settings table (`pk = "source#<id>"`, `sk = "config" | "state"`). */
import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { StorageError } from "../core/errors";
import type { SettingsStore } from "../core/ports";
import type { RunState } from "../core/state";

export class DynamoDbSettingsStore implements SettingsStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  private async get(sourceId: string, sk: string): Promise<Record<string, unknown> | undefined> {
    try {
      const r = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: `source#${sourceId}`, sk },
          ConsistentRead: true,
        }),
      );
      if (!r.Item) return undefined;
      const { pk: _pk, sk: _sk, ...rest } = r.Item;
      return rest;
    } catch (e) {
      throw new StorageError(
        `DynamoDB GetItem ${this.tableName} source#${sourceId}/${sk} failed: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  getConfig(sourceId: string) {
    return this.get(sourceId, "config");
  }

  async getState(sourceId: string): Promise<RunState | undefined> {
    return (await this.get(sourceId, "state")) as RunState | undefined;
  }

  async putState(sourceId: string, next: RunState, expectedVersion: number | undefined): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `source#${sourceId}`, sk: "state", ...next },
          ConditionExpression: expectedVersion === undefined ? "attribute_not_exists(pk)" : "#v = :v",
          ...(expectedVersion === undefined
            ? {}
            : {
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
      throw new StorageError(
        `DynamoDB PutItem ${this.tableName} source#${sourceId}/state failed: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
}
