/** The run state item (`sk = "state"`): what survived the last committed run. */
export interface RunState {
  /** Optimistic-lock counter, +1 on every write. */
  version: number;
  /** Incremental watermark: max cursorField of committed records. */
  watermark?: string;
  /** Primary keys of committed records whose cursor equals the watermark (skipped next time). */
  boundaryKeys?: string[];
  /** The run holding the lease, and until when (epoch ms). */
  lease?: { runId: string; expiresAt: number };
  /** A publish that was started and must be finished (roll forward) before anything else. */
  pending?: PendingPublish;
  /** Files of the last committed run per runDate (snapshot sources replace them). */
  lastPublished?: { runDate: string; keys: string[] };
  lastRunId?: string;
  lastStatus?: "succeeded";
  lastRunAt?: string;
  lastCounts?: { records: number; files: number; pages: number; bytes: number };
}

export interface PendingPublish {
  runId: string;
  runDate: string;
  /** staged key -> final key */
  moves: Array<{ from: string; to: string }>;
  manifestKey: string;
  manifest: string;
  /** Snapshot sources: keys of the previous run to delete after publishing. */
  replaces: string[];
  next: Pick<RunState, "watermark" | "boundaryKeys" | "lastCounts">;
}
