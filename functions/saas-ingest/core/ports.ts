/** What the core needs from the outside world. Adapters implement these; tests inject them. */
import type { RawPublishedDetail } from "../../shared/events";
import type { RunState } from "./state";

export type { Log } from "../../shared/logger";
export type { ObjectStore, UploadResult } from "../../shared/s3-objects";
export type { SecretResolver } from "../../shared/secrets";

export interface SettingsStore {
  /** The raw settings item (attributes other than pk/sk), or undefined when absent. */
  getConfig(sourceId: string): Promise<Record<string, unknown> | undefined>;
  getState(sourceId: string): Promise<RunState | undefined>;
  /**
   * Writes `next` only if the stored state's `version` equals `expectedVersion` (undefined: no
   * state yet). Returns false when the condition failed.
   */
  putState(sourceId: string, next: RunState, expectedVersion: number | undefined): Promise<boolean>;
}

export interface RunMetrics {
  sourceId: string;
  runId: string;
  status: "succeeded" | "failed";
  records: number;
  pages: number;
  bytes: number;
  files: number;
  retries: number;
  durationMs: number;
}

export interface MetricsSink {
  publish(m: RunMetrics): Promise<void>;
}

/** Tells downstream (curate) that a run published a partition. */
export interface PublishAnnouncer {
  published(detail: RawPublishedDetail): Promise<void>;
}
