/** Results in the settings table and reports in S3, through the shared adapters. */
import type { DynamoDbItems } from "../../shared/dynamodb";
import type { ObjectStore } from "../../shared/s3-objects";
import { CONFIG_SK, settingsPk } from "../../shared/settings-keys";
import type { ReconcileResult } from "../core/checks";
import { type ResolvedCheck, resolvedCheckSchema } from "../core/checks";
import { ReconcileInputError } from "../core/errors";
import type { ReportStore, ResultStore } from "../core/ports";

export const checkKey = (id: string) => ({ pk: settingsPk.reconcile(id), sk: CONFIG_SK });
export const resultKey = (id: string, runDate: string) => ({ pk: `reconcile#${id}`, sk: `run#${runDate}` });

export class DynamoResultStore implements ResultStore {
  constructor(private readonly items: DynamoDbItems) {}
  async record(r: ReconcileResult): Promise<void> {
    await this.items.put(resultKey(r.id, r.runDate), { ...r });
  }
}

export class S3ReportStore implements ReportStore {
  constructor(private readonly store: ObjectStore) {}
  put(key: string, body: string): Promise<void> {
    return this.store.put(key, body, "application/json");
  }
}

/** The checks' settings items (written by Terraform), validated; errors name the check and field. */
export async function loadChecks(items: DynamoDbItems, ids: ReadonlyArray<string>): Promise<ResolvedCheck[]> {
  return Promise.all(
    ids.map(async (id) => {
      const item = await items.get(checkKey(id));
      if (!item)
        throw new ReconcileInputError(
          `check ${id}: no settings item ${checkKey(id).pk}/config in ${items.tableName}`,
        );
      const parsed = resolvedCheckSchema.safeParse(item);
      if (!parsed.success)
        throw new ReconcileInputError(
          `check ${id}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
        );
      return parsed.data;
    }),
  );
}
