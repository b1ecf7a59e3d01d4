/** What the core needs from the outside world. Adapters implement these; tests inject them. */
import type { Readable } from "node:stream";
import type { RunState } from "./state";

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

export interface UploadResult {
  key: string;
  bytes: number;
}

export interface ObjectStore {
  /** Streams `body` to `key` (multipart for large bodies). */
  upload(key: string, body: Readable, contentType: string): Promise<UploadResult>;
  copy(fromKey: string, toKey: string): Promise<void>;
  put(key: string, body: string, contentType: string): Promise<void>;
  delete(keys: string[]): Promise<void>;
  exists(key: string): Promise<boolean>;
}

export interface SecretResolver {
  get(secretId: string): Promise<string>;
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

export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}
