/**
 * CurateStore on the settings table (functions/shared DynamoDbItems):
 * - `transform#<id>` / `config`: the transform (written by Terraform from config/transforms.ts);
 * - `transform#<id>` / `run#<runDate>`: the latest run of that date, guarded by `version`;
 * - `source#<id>` / `published#<runDate>`: a source's publish, recorded as its event arrives.
 */
import type { DynamoDbItems } from "../../shared/dynamodb";
import { CONFIG_SK, settingsPk } from "../../shared/settings-keys";
import type { CurateStore, RunRecord } from "../core/ports";
import type { TransformSpec } from "../core/spec";

type Stored = RunRecord & { version: number };

export const transformKey = (id: string) => ({ pk: settingsPk.transform(id), sk: CONFIG_SK });
export const runKey = (id: string, runDate: string) => ({ pk: `transform#${id}`, sk: `run#${runDate}` });
export const publishKey = (sourceId: string, runDate: string) => ({
  pk: `source#${sourceId}`,
  sk: `published#${runDate}`,
});

export class DynamoDbCurateStore implements CurateStore {
  private readonly specs = new Map<string, TransformSpec | undefined>();

  constructor(private readonly items: DynamoDbItems) {}

  async getTransform(id: string): Promise<TransformSpec | undefined> {
    // Settings change only with a deployment: cache per container.
    if (!this.specs.has(id)) this.specs.set(id, await this.items.get<TransformSpec>(transformKey(id)));
    return this.specs.get(id);
  }

  async getRun(transform: string, runDate: string): Promise<RunRecord | undefined> {
    const r = await this.items.get<Stored>(runKey(transform, runDate));
    if (!r) return undefined;
    const { version: _v, ...rest } = r;
    return rest;
  }

  async claimRun(record: RunRecord, now: number): Promise<boolean> {
    const key = runKey(record.transform, record.runDate);
    const cur = await this.items.get<Stored>(key);
    if (cur && cur.status === "running" && cur.leaseExpiresAt > now) return false;
    return this.items.putIfVersion(key, { ...record, version: (cur?.version ?? 0) + 1 }, cur?.version);
  }

  async putRun(record: RunRecord): Promise<boolean> {
    const key = runKey(record.transform, record.runDate);
    const cur = await this.items.get<Stored>(key);
    if (!cur || cur.runId !== record.runId) return false;
    return this.items.putIfVersion(key, { ...record, version: cur.version + 1 }, cur.version);
  }

  async recordPublish(p: {
    sourceId: string;
    runDate: string;
    runId: string;
    records: number;
    manifestKey: string;
  }) {
    await this.items.put(publishKey(p.sourceId, p.runDate), {
      runId: p.runId,
      records: p.records,
      manifestKey: p.manifestKey,
      receivedAt: new Date().toISOString(),
    });
  }

  async hasPublish(sourceId: string, runDate: string): Promise<boolean> {
    return (await this.items.get(publishKey(sourceId, runDate))) !== undefined;
  }
}
