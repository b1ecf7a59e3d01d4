/**
 * The run state item (`sk = "state"`): what survived the last committed run. Its size is bounded
 * whatever the data: boundary keys beyond `INLINE_BOUNDARY_KEYS` live in an S3 object it points
 * to, and the manifest of a pending publish is staged in S3, not held here.
 */
export interface RunState {
  /** Optimistic-lock counter, +1 on every write. */
  version: number;
  /** Incremental watermark: max cursorField of committed records, as the source wrote it. */
  watermark?: string;
  /** Primary keys of committed records whose cursor equals the watermark (skipped next time). */
  boundary?: BoundaryRef;
  /** @deprecated before typed cursors: inline boundary keys; read once, then replaced by `boundary`. */
  boundaryKeys?: string[];
  /** The run holding the lease, and until when (epoch ms); renewed while the run is alive. */
  lease?: { runId: string; expiresAt: number };
  /** A publish that was started and must be finished (roll forward) before anything else. */
  pending?: PendingPublish;
  /** Files of the last committed run (snapshot sources replace them). */
  lastPublished?: { runDate: string; keys: string[] };
  lastRunId?: string;
  lastStatus?: "succeeded";
  lastRunAt?: string;
  lastCounts?: {
    records: number;
    files: number;
    pages: number;
    bytes: number;
    skipped?: number;
    badCursor?: number;
  };
}

/** Boundary keys: inline when few, else in a gzip JSON object under `<prefix>/_state/`. */
export interface BoundaryRef {
  count: number;
  keys?: string[];
  objectKey?: string;
}

/** At most this many boundary keys stay inline in the state item. */
export const INLINE_BOUNDARY_KEYS = 200;

export interface PendingPublish {
  runId: string;
  runDate: string;
  /** staged key -> final key */
  moves: Array<{ from: string; to: string }>;
  manifestKey: string;
  /** Where the manifest was staged (copied to manifestKey on publish). */
  stagedManifestKey: string;
  /** Keys the publish removes from the partition (a snapshot's previous files of that day). */
  replaces: string[];
  next: Pick<RunState, "watermark" | "boundary" | "lastCounts">;
  /** The boundary object this publish supersedes (deleted after the commit). */
  previousBoundaryObject?: string;
}
