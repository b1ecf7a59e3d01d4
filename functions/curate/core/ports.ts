/** What the curate core needs from the outside world. Adapters implement these; tests inject them. */

import type { TransformSpec } from "./spec";
import type { CheckResult } from "./statements";

export type RunStatus = "running" | "succeeded" | "failed" | "skipped";

export interface Trigger {
  type: "event" | "manual" | "schedule";
  sourceId?: string;
  sourceRunId?: string;
}

/** The run record `pk = transform#<id>`, `sk = run#<runDate>` (the latest attempt). */
export interface RunRecord {
  transform: string;
  runDate: string;
  runId: string;
  status: RunStatus;
  trigger: Trigger;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  queryExecutionIds: string[];
  rowsWritten?: number;
  bytesScanned: number;
  costUsd: number;
  checks?: CheckResult[];
  error?: string;
  /** Epoch ms after which a `running` record no longer blocks a new attempt. */
  leaseExpiresAt: number;
  attempt: number;
}

export interface CurateStore {
  getTransform(id: string): Promise<TransformSpec | undefined>;
  getRun(transform: string, runDate: string): Promise<RunRecord | undefined>;
  /**
   * Writes `record` (status running) unless another attempt holds an unexpired lease.
   * Returns false when refused.
   */
  claimRun(record: RunRecord, now: number): Promise<boolean>;
  /** Updates the record only while `record.runId` still owns it; returns false otherwise. */
  putRun(record: RunRecord): Promise<boolean>;
  /** Remembers that a source published `runDate` (`pk = source#<id>`, `sk = published#<runDate>`). */
  recordPublish(p: {
    sourceId: string;
    runDate: string;
    runId: string;
    records: number;
    manifestKey: string;
  }): Promise<void>;
  hasPublish(sourceId: string, runDate: string): Promise<boolean>;
}

/** Rows of a finished query, as objects keyed by column name. */
export interface QueryResults {
  fetch(queryExecutionId: string): Promise<Record<string, unknown>[]>;
}

export interface QueryOutcome {
  queryExecutionId: string;
  state: "SUCCEEDED" | "FAILED" | "CANCELLED";
  bytesScanned: number;
  stateChangeReason?: string;
}

/** Runs one statement to completion (the Step Functions Athena integration does this in AWS). */
export interface QueryEngine {
  execute(statement: { sql: string; params: string[] }): Promise<QueryOutcome>;
}

export interface CurateRunMetrics {
  transform: string;
  runDate: string;
  status: "succeeded" | "failed";
  rowsWritten: number;
  bytesScanned: number;
  costUsd: number;
  durationMs: number;
  checksFailed: number;
}

export interface CurateMetricsSink {
  publish(m: CurateRunMetrics): Promise<void>;
}

export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}
