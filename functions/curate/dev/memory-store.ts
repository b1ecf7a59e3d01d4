/** An in-memory CurateStore with DynamoDB's conditional semantics (tests, benchmarks). */
import type { CurateStore, RunRecord } from "../core/ports";
import type { TransformSpec } from "../core/spec";

export class MemoryCurateStore implements CurateStore {
  readonly runs = new Map<string, RunRecord>();
  readonly publishes = new Set<string>();
  /** Every write, in order (tests assert on history). */
  readonly history: RunRecord[] = [];

  constructor(readonly transforms: Map<string, TransformSpec>) {}

  async getTransform(id: string) {
    return this.transforms.get(id);
  }
  async getRun(transform: string, runDate: string) {
    const r = this.runs.get(`${transform}#${runDate}`);
    return r ? structuredClone(r) : undefined;
  }
  async claimRun(record: RunRecord, now: number) {
    const k = `${record.transform}#${record.runDate}`;
    const cur = this.runs.get(k);
    if (cur && cur.status === "running" && cur.leaseExpiresAt > now) return false;
    this.write(k, record);
    return true;
  }
  async putRun(record: RunRecord) {
    const k = `${record.transform}#${record.runDate}`;
    if (this.runs.get(k)?.runId !== record.runId) return false;
    this.write(k, record);
    return true;
  }
  async recordPublish(p: { sourceId: string; runDate: string }) {
    this.publishes.add(`${p.sourceId}#${p.runDate}`);
  }
  async hasPublish(sourceId: string, runDate: string) {
    return this.publishes.has(`${sourceId}#${runDate}`);
  }
  private write(k: string, r: RunRecord) {
    this.runs.set(k, structuredClone(r));
    this.history.push(structuredClone(r));
  }
}
