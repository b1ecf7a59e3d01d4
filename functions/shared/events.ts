/**
 * The event contract between ingestion (producer) and curate (consumer): one EventBridge event
 * per successful publish of a source's run. Both sides import these names; the EventBridge rule
 * in modules/curate matches on them.
 */
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
} from "@aws-sdk/client-eventbridge";
import { EVENT_SOURCE, RAW_PUBLISHED } from "./contracts";
import { StorageError } from "./errors";

// The names live with the other contracts (import-free, so the stacks read them without the SDK).
export { EVENT_SOURCE, RAW_PUBLISHED };

export interface RawPublishedDetail {
  sourceId: string;
  /** The partition published, YYYY-MM-DD. */
  runDate: string;
  runId: string;
  /** Records written in this run. */
  records: number;
  /** Key of the run's manifest in the raw bucket. */
  manifestKey: string;
}

/** What ingestion sends (PutEvents entry without the bus name). */
export function rawPublishedEntry(detail: RawPublishedDetail) {
  return { Source: EVENT_SOURCE, DetailType: RAW_PUBLISHED, Detail: JSON.stringify(detail) };
}

/** What EventBridge delivers to a target. */
export interface RawPublishedEvent {
  source: typeof EVENT_SOURCE;
  "detail-type": typeof RAW_PUBLISHED;
  detail: RawPublishedDetail;
  id?: string;
  time?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Problems of a delivered event's detail, each naming the field; empty when valid. */
export function rawPublishedProblems(event: unknown): string[] {
  if (!event || typeof event !== "object") return ["event: must be an object"];
  const e = event as Record<string, unknown>;
  const problems: string[] = [];
  if (e.source !== EVENT_SOURCE)
    problems.push(`source: must be "${EVENT_SOURCE}" (got ${JSON.stringify(e.source)})`);
  if (e["detail-type"] !== RAW_PUBLISHED)
    problems.push(`detail-type: must be "${RAW_PUBLISHED}" (got ${JSON.stringify(e["detail-type"])})`);
  const d = e.detail as Record<string, unknown> | undefined;
  if (!d || typeof d !== "object") return [...problems, "detail: must be an object"];
  if (typeof d.sourceId !== "string" || !d.sourceId)
    problems.push("detail.sourceId: must be a non-empty string");
  if (typeof d.runDate !== "string" || !DATE.test(d.runDate))
    problems.push("detail.runDate: must be YYYY-MM-DD");
  if (typeof d.runId !== "string" || !d.runId) problems.push("detail.runId: must be a non-empty string");
  if (typeof d.records !== "number" || !Number.isInteger(d.records) || d.records < 0)
    problems.push("detail.records: must be an integer >= 0");
  if (typeof d.manifestKey !== "string" || !d.manifestKey)
    problems.push("detail.manifestKey: must be a non-empty string");
  return problems;
}

/** Sends `RawPartitionPublished` to an EventBridge bus (the producer side of the contract). */
export class EventBridgeAnnouncer {
  constructor(
    private readonly busName: string,
    private readonly client: EventBridgeClient = new EventBridgeClient({}),
  ) {}

  async published(detail: RawPublishedDetail): Promise<void> {
    let r: PutEventsCommandOutput;
    try {
      r = await this.client.send(
        new PutEventsCommand({ Entries: [{ ...rawPublishedEntry(detail), EventBusName: this.busName }] }),
      );
    } catch (e) {
      throw new StorageError(`EventBridge PutEvents to ${this.busName} failed: ${(e as Error).message}`, {
        cause: e,
      });
    }
    if ((r.FailedEntryCount ?? 0) > 0) {
      const f = r.Entries?.[0];
      throw new StorageError(
        `EventBridge rejected the event on ${this.busName}: ${f?.ErrorCode} ${f?.ErrorMessage}`,
      );
    }
  }
}
