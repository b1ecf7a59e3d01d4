/** SettingsStore on the DynamoDB settings table (`pk = "source#<id>"`, `sk = "config" | "state"`). */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDbItems } from "../../shared/dynamodb";
import { type CONFIG_SK, type STATE_SK, settingsPk } from "../../shared/settings-keys";
import type { SettingsStore } from "../core/ports";
import type { RunState } from "../core/state";

export const sourceKey = (sourceId: string, sk: typeof CONFIG_SK | typeof STATE_SK) => ({
  pk: settingsPk.source(sourceId),
  sk,
});

export class DynamoDbSettingsStore implements SettingsStore {
  private readonly items: DynamoDbItems;

  constructor(tableName: string, client?: DynamoDBClient) {
    this.items = new DynamoDbItems(tableName, client);
  }

  getConfig(sourceId: string) {
    return this.items.get(sourceKey(sourceId, "config"));
  }

  getState(sourceId: string): Promise<RunState | undefined> {
    return this.items.get<RunState>(sourceKey(sourceId, "state"));
  }

  putState(sourceId: string, next: RunState, expectedVersion: number | undefined): Promise<boolean> {
    return this.items.putIfVersion(
      sourceKey(sourceId, "state"),
      next as unknown as Record<string, unknown> & { version: number },
      expectedVersion,
    );
  }
}
