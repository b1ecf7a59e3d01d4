/**
 * Publishing a run: staged files -> `<prefix>/dt=<runDate>/part-<runId>-NNNNN.jsonl.gz` plus
 * `_manifest-<runId>.json`, recorded in the state item (`pending`) before the first copy, so a run
 * that dies mid-copy is finished by the next one (same keys: idempotent). A snapshot replaces
 * every earlier file of that day's partition (listed when the publish is planned). The watermark
 * and boundary advance in the same conditional write that marks the publish done.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { IngestError } from "./errors";
import type { StateRef } from "./lease";
import type { ObjectStore } from "./ports";
import type { SourceSettings } from "./settings";
import { type BoundaryRef, INLINE_BOUNDARY_KEYS, type PendingPublish, type RunState } from "./state";
import type { WrittenFile } from "./writer";

export const partitionDir = (prefix: string, runDate: string) => `${prefix}/dt=${runDate}`;
export const stagingDir = (prefix: string, runId: string) => `_staging/${prefix}/${runId}`;

export interface PlanInput {
  cfg: SourceSettings;
  sourceId: string;
  runId: string;
  runDate: string;
  files: WrittenFile[];
  state: RunState;
  watermark?: string;
  boundaryKeys: string[];
  counts: NonNullable<RunState["lastCounts"]>;
  now: number;
}

/** Stages the manifest (and the boundary keys when many), lists what a snapshot replaces, returns the plan. */
export async function planPublish(objects: ObjectStore, p: PlanInput): Promise<PendingPublish> {
  const dir = partitionDir(p.cfg.target.prefix, p.runDate);
  const moves = p.files.map((f, i) => ({
    from: f.key,
    to: `${dir}/part-${p.runId}-${String(i).padStart(5, "0")}.jsonl.gz`,
  }));
  const manifestKey = `${dir}/_manifest-${p.runId}.json`;
  let replaces: string[] = [];
  if (!p.cfg.incremental) {
    // A snapshot replaces every earlier file of the day, whichever run wrote it.
    if (!objects.list) throw new IngestError("snapshot publish needs ObjectStore.list");
    replaces = (await objects.list(`${dir}/`)).filter((k) => !k.includes(`-${p.runId}`));
  }
  let boundary: BoundaryRef | undefined;
  if (p.cfg.incremental) {
    if (p.boundaryKeys.length <= INLINE_BOUNDARY_KEYS)
      boundary = { count: p.boundaryKeys.length, keys: p.boundaryKeys };
    else {
      const objectKey = `${p.cfg.target.prefix}/_state/_boundary-${p.runId}.json.gz`;
      await objects.put(objectKey, gzipSync(JSON.stringify(p.boundaryKeys)), "application/gzip");
      boundary = { count: p.boundaryKeys.length, objectKey };
    }
  }
  const stagedManifestKey = `${stagingDir(p.cfg.target.prefix, p.runId)}/_manifest.json`;
  const manifest = JSON.stringify(
    {
      sourceId: p.sourceId,
      runId: p.runId,
      runDate: p.runDate,
      createdAt: new Date(p.now).toISOString(),
      mode: p.cfg.incremental ? "incremental" : "snapshot",
      watermark: p.watermark ?? null,
      records: p.files.reduce((a, f) => a + f.records, 0),
      skipped: p.counts.skipped ?? 0,
      badCursor: p.counts.badCursor ?? 0,
      files: p.files.map((f, i) => ({
        key: moves[i].to,
        records: f.records,
        bytes: f.bytes,
        uncompressedBytes: f.uncompressedBytes,
        sha256: f.sha256,
      })),
      replaces,
    },
    null,
    2,
  );
  await objects.put(stagedManifestKey, manifest, "application/json");
  return {
    runId: p.runId,
    runDate: p.runDate,
    moves,
    manifestKey,
    stagedManifestKey,
    replaces,
    next: { watermark: p.watermark, boundary, lastCounts: p.counts },
    previousBoundaryObject: p.state.boundary?.objectKey,
  };
}

/**
 * Copies staged files to their final keys; idempotent, so a later run can finish it. `fresh`: the
 * run that staged them, which knows every staged file is there (no existence checks).
 */
export async function copyFiles(objects: ObjectStore, p: PendingPublish, fresh = false): Promise<void> {
  for (const m of p.moves) {
    // Idempotent: a move finished before a crash has no staged file left, and its target exists.
    if (fresh || (await objects.exists(m.from))) await objects.copy(m.from, m.to);
    else if (!(await objects.exists(m.to)))
      throw new IngestError(`publish: neither ${m.from} nor ${m.to} exists; cannot finish run ${p.runId}`);
  }
}

/**
 * Writes the manifest and removes the files a snapshot replaces (before the commit); idempotent.
 * `fresh` as for copyFiles.
 */
export async function finishPublish(objects: ObjectStore, p: PendingPublish, fresh = false): Promise<void> {
  if (fresh || (await objects.exists(p.stagedManifestKey)))
    await objects.copy(p.stagedManifestKey, p.manifestKey);
  if (p.replaces.length)
    await objects.delete(p.replaces.filter((k) => !p.moves.some((m) => m.to === k) && k !== p.manifestKey));
}

/**
 * Removes the staged copies; idempotent, and safe at any time after finishPublish (a recovery
 * finds the targets in place), so it may run beside the commit. Left-overs expire by lifecycle.
 */
export async function dropStaged(objects: ObjectStore, p: PendingPublish): Promise<void> {
  await objects.delete([...p.moves.map((m) => m.from), p.stagedManifestKey]);
}

/** Takes back a publish whose copy failed part-way (nothing visible, nothing committed). */
export async function rollBack(objects: ObjectStore, ref: StateRef, p: PendingPublish): Promise<void> {
  await objects.delete([...p.moves.map((m) => m.to), p.manifestKey]).catch(() => undefined);
  await ref
    .write((s) => {
      const { pending: _drop, ...rest } = s;
      return rest;
    })
    .catch(() => undefined);
}

/** Marks `p` published and advances the watermark, in one conditional write. */
export async function commit(ref: StateRef, p: PendingPublish, now: number): Promise<RunState> {
  return ref.write((s) => {
    const { pending: _p, boundaryKeys: _old, ...rest } = s;
    return {
      ...rest,
      ...p.next,
      lastPublished: { runDate: p.runDate, keys: p.moves.map((m) => m.to) },
      lastRunId: p.runId,
      lastStatus: "succeeded",
      lastRunAt: new Date(now).toISOString(),
    };
  });
}

/** After a commit: the boundary object the new state no longer points to (best effort). */
export async function dropSupersededBoundary(objects: ObjectStore, p: PendingPublish): Promise<void> {
  const prev = p.previousBoundaryObject;
  if (prev && prev !== p.next.boundary?.objectKey) await objects.delete([prev]).catch(() => undefined);
}

/** The committed boundary keys (inline, in their object, or from an older state's `boundaryKeys`). */
export async function loadBoundaryKeys(objects: ObjectStore, state: RunState): Promise<string[]> {
  if (state.boundary?.keys) return state.boundary.keys;
  if (state.boundary?.objectKey) {
    if (!objects.getBytes) throw new IngestError("boundary keys in S3 need ObjectStore.getBytes");
    const bytes = await objects.getBytes(state.boundary.objectKey);
    if (!bytes)
      throw new IngestError(
        `state: boundary object ${state.boundary.objectKey} is missing; cannot de-duplicate the boundary safely`,
      );
    return JSON.parse(gunzipSync(bytes).toString("utf8")) as string[];
  }
  return state.boundaryKeys ?? [];
}
