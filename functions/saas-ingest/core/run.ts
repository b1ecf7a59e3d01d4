/**
 * One ingestion run of one source: settings -> lease -> (finish a pending publish) -> pages ->
 * staged gzip files -> publish -> manifest -> state. Pure orchestration over injected ports.
 *
 * Visibility and exactly-once:
 * - Data is staged under `_staging/` (outside every table location) and copied to
 *   `<prefix>/dt=<runDate>/` only after every page was fetched and every file uploaded.
 * - Before copying, the planned moves are recorded in the state item (`pending`). If the copy fails
 *   in-process, the copied files are deleted again (nothing visible). If the process dies mid-copy,
 *   the next run finishes the recorded moves (same target keys, so idempotent) before it does
 *   anything else, and commits their watermark: every record lands exactly once.
 * - Once every file is copied, a later failure (manifest, removing a snapshot's previous files,
 *   the state write) is not rolled back either: `pending` stays, and the next run finishes it.
 * - The watermark advances only in the same state write that marks the publish done.
 * - A lease in the state item keeps two runs of one source from interleaving (async Lambda
 *   invocations can be delivered twice).
 */
import { newRunId } from "../../shared/run-id";
import {
  ConcurrentRunError,
  IngestError,
  InvalidEventError,
  OutOfTimeError,
  SourceDisabledError,
  SourceNotFoundError,
  SourceShapeError,
} from "./errors";
import { type HttpClient, redact } from "./http";
import { IncrementalTracker } from "./incremental";
import { getPath } from "./json-path";
import { firstPageParams, nextPage, withParams } from "./pagination";
import type { Log, MetricsSink, ObjectStore, PublishAnnouncer, SecretResolver, SettingsStore } from "./ports";
import { parseSourceSettings, type SourceSettings } from "./settings";
import { SourceClient } from "./source-client";
import type { PendingPublish, RunState } from "./state";
import { RotatingGzipWriter, type WrittenFile } from "./writer";

export interface IngestEvent {
  sourceId: string;
  runDate?: string;
}

export interface RunSummary {
  sourceId: string;
  runId: string;
  runDate: string;
  status: "succeeded";
  records: number;
  skipped: number;
  pages: number;
  files: number;
  bytes: number;
  retries: number;
  durationMs: number;
  watermark?: string;
  manifestKey: string;
  /** A previous run's publish that this run completed first, if any. */
  recoveredRunId?: string;
  /** Whether the publish event was sent (undefined: no announcer configured). */
  announced?: boolean;
}

export interface RunDeps {
  settings: SettingsStore;
  objects: ObjectStore;
  secrets: SecretResolver;
  http: HttpClient;
  metrics?: MetricsSink;
  /** Announces each successful publish (EventBridge `RawPartitionPublished`). @default - none */
  announcer?: PublishAnnouncer;
  log: Log;
  now: () => number;
  /** Epoch ms by which the run must have stopped (Lambda deadline minus a cleanup reserve). */
  deadline: () => number;
  /** Rotate output files after this many uncompressed bytes. @default 64 MiB */
  maxFileBytes?: number;
  /** Time kept for publishing after the last page. @default 15 s */
  publishReserveMs?: number;
  /** @default random */
  newRunId?: () => string;
  /** How long past the deadline a lease still holds (a crashed run's lease then expires). @default 60 s */
  leaseGraceMs?: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function validateEvent(event: unknown, now: number): { sourceId: string; runDate: string } {
  if (!event || typeof event !== "object")
    throw new InvalidEventError("event: must be an object { sourceId, runDate? }");
  const { sourceId, runDate } = event as Record<string, unknown>;
  if (typeof sourceId !== "string" || !/^[A-Za-z0-9_.-]{1,128}$/.test(sourceId)) {
    throw new InvalidEventError(
      `event.sourceId: must be a non-empty id of letters, digits, "_", "-", "." (got ${JSON.stringify(sourceId)})`,
    );
  }
  if (runDate === undefined) return { sourceId, runDate: new Date(now).toISOString().slice(0, 10) };
  if (
    typeof runDate !== "string" ||
    !DATE.test(runDate) ||
    Number.isNaN(Date.parse(`${runDate}T00:00:00Z`)) ||
    new Date(`${runDate}T00:00:00Z`).toISOString().slice(0, 10) !== runDate
  ) {
    throw new InvalidEventError(
      `event.runDate: must be a calendar date YYYY-MM-DD (got ${JSON.stringify(runDate)})`,
    );
  }
  return { sourceId, runDate };
}

export const defaultRunId = newRunId;

export async function runIngestion(event: IngestEvent, deps: RunDeps): Promise<RunSummary> {
  const started = deps.now();
  const { sourceId, runDate } = validateEvent(event, started);
  const raw = await deps.settings.getConfig(sourceId);
  if (!raw) throw new SourceNotFoundError(sourceId);
  const cfg = parseSourceSettings(sourceId, raw);
  if (!cfg.enabled) throw new SourceDisabledError(sourceId);

  const runId = (deps.newRunId ?? (() => defaultRunId(started)))();
  const log = deps.log;
  let state = await acquireLease(deps, sourceId, runId);
  let recoveredRunId: string | undefined;
  if (state.pending) {
    recoveredRunId = state.pending.runId;
    log.warn("finishing the publish of an interrupted run", { sourceId, interruptedRunId: recoveredRunId });
    await copyFiles(deps.objects, state.pending);
    await finishPublish(deps.objects, state.pending);
    state = await commit(deps, sourceId, state, state.pending, true);
  }

  const writer = new RotatingGzipWriter(
    deps.objects,
    (i) => `_staging/${cfg.target.prefix}/${runId}/part-${String(i).padStart(5, "0")}.jsonl.gz`,
    deps.maxFileBytes ?? 64 * 1024 * 1024,
  );
  let pages = 0;
  let records = 0;
  /** True once every file is visible: a failure then leaves the publish for the next run to finish. */
  let copied = false;
  let httpBytes = 0;
  let tracker: IncrementalTracker | undefined;
  let source: SourceClient | undefined;
  try {
    source = await SourceClient.open(cfg, deps.secrets, deps.http, { log });
    tracker = cfg.incremental
      ? new IncrementalTracker(
          cfg.incremental.cursorField,
          cfg.primaryKey,
          state.watermark ?? cfg.incremental.initial,
          state.watermark === undefined ? [] : state.boundaryKeys,
        )
      : undefined;
    const incrementalParam = cfg.incremental
      ? { [cfg.incremental.param]: state.watermark ?? cfg.incremental.initial }
      : {};
    let url: string | undefined = withParams(cfg.request.url, {
      ...(cfg.request.query ?? {}),
      ...firstPageParams(cfg.pagination),
      ...incrementalParam,
    });
    const seen = new Set<string>();
    while (url) {
      if (seen.has(url))
        throw new SourceShapeError(
          `pagination.${cfg.pagination.type}: the source sent the same page again (${redact(url)}); stopping instead of looping`,
        );
      seen.add(url);
      const res = await source.get(url);
      pages++;
      httpBytes += res.bytes;
      const items = getPath(res.body, cfg.records.path);
      if (!Array.isArray(items)) {
        throw new SourceShapeError(
          `records.path: "${cfg.records.path}" is not an array in the response of ${redact(url)} (got ${items === null ? "null" : typeof items})`,
        );
      }
      let lines = "";
      let kept = 0;
      for (const item of items) {
        if (tracker && !tracker.accept(item)) continue;
        lines += `${JSON.stringify(item)}\n`;
        kept++;
      }
      await writer.write(lines, kept);
      records += kept;
      url = nextPage(cfg.pagination, url, res.body, res.headers, items.length, items.at(-1));
    }
    const files = await writer.close();
    if (deps.now() + (deps.publishReserveMs ?? 15_000) > deps.deadline()) {
      throw new OutOfTimeError(
        `Out of time before publishing ${files.length} file(s); nothing was published`,
      );
    }
    const pending = planPublish(cfg, sourceId, runId, runDate, files, state, {
      ...(tracker?.next() ?? {}),
      lastCounts: { records, files: files.length, pages, bytes: files.reduce((a, f) => a + f.bytes, 0) },
    });
    state = await writeState(deps, sourceId, state, { ...state, pending });
    try {
      await copyFiles(deps.objects, pending);
    } catch (e) {
      // Not every file is visible yet: take back what was copied (nothing visible, nothing committed).
      await rollBack(deps, sourceId, state, pending);
      throw e;
    }
    // Every file is visible from here on: a failure leaves `pending` for the next run to finish
    // (roll forward), never a rollback that could take away a snapshot's previous files.
    copied = true;
    await finishPublish(deps.objects, pending);
    await commit(deps, sourceId, state, pending, false);
    const summary: RunSummary = {
      sourceId,
      runId,
      runDate,
      status: "succeeded",
      records,
      skipped: tracker?.skipped ?? 0,
      pages,
      files: files.length,
      bytes: pending.next.lastCounts?.bytes ?? 0,
      retries: deps.http.retries,
      durationMs: deps.now() - started,
      watermark: pending.next.watermark,
      manifestKey: pending.manifestKey,
      recoveredRunId,
    };
    log.info("run succeeded", { ...summary, httpBytes });
    await deps.metrics
      ?.publish({ ...summary, status: "succeeded" })
      .catch((e) => log.warn("metrics not published", { error: String(e) }));
    if (deps.announcer) summary.announced = await announce(deps.announcer, summary, log);
    return summary;
  } catch (caught) {
    const e = source ? source.redact(caught) : caught;
    await writer.abort();
    await releaseLease(deps, sourceId, runId).catch(() => undefined);
    log.error(
      copied
        ? "run failed after its files were published; the next run finishes the publish and commits the state"
        : "run failed; nothing was published and the state was not advanced",
      {
        sourceId,
        runId,
        error: (e as Error).message,
        pages,
        records,
      },
    );
    await deps.metrics
      ?.publish({
        sourceId,
        runId,
        status: "failed",
        records,
        pages,
        bytes: 0,
        files: 0,
        retries: deps.http.retries,
        durationMs: deps.now() - started,
      })
      .catch(() => undefined);
    throw e;
  }
}

/** Sends the publish event; never throws (the data is committed): a failure is logged and returned. */
async function announce(announcer: PublishAnnouncer, s: RunSummary, log: Log): Promise<boolean> {
  try {
    await announcer.published({
      sourceId: s.sourceId,
      runDate: s.runDate,
      runId: s.runId,
      records: s.records,
      manifestKey: s.manifestKey,
    });
    return true;
  } catch (e) {
    log.error("published and committed, but the publish event was not sent: curate was not started", {
      sourceId: s.sourceId,
      runId: s.runId,
      error: (e as Error).message,
    });
    return false;
  }
}

function planPublish(
  cfg: SourceSettings,
  sourceId: string,
  runId: string,
  runDate: string,
  files: WrittenFile[],
  state: RunState,
  next: PendingPublish["next"],
): PendingPublish {
  const dir = `${cfg.target.prefix}/dt=${runDate}`;
  const moves = files.map((f, i) => ({
    from: f.key,
    to: `${dir}/part-${runId}-${String(i).padStart(5, "0")}.jsonl.gz`,
  }));
  const manifestKey = `${dir}/_manifest-${runId}.json`;
  // A source without incremental settings is a snapshot: this run replaces the previous run's files of the same day.
  const replaces =
    !cfg.incremental && state.lastPublished?.runDate === runDate ? state.lastPublished.keys : [];
  const manifest = JSON.stringify(
    {
      sourceId,
      runId,
      runDate,
      createdAt: new Date().toISOString(),
      mode: cfg.incremental ? "incremental" : "snapshot",
      watermark: next.watermark ?? null,
      records: files.reduce((a, f) => a + f.records, 0),
      files: files.map((f, i) => ({
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
  return { runId, runDate, moves, manifestKey, manifest, replaces, next };
}

/** Copies staged files to their final keys; idempotent, so a later run can finish it. */
async function copyFiles(objects: ObjectStore, p: PendingPublish): Promise<void> {
  for (const m of p.moves) {
    // Idempotent: a move finished before a crash has no staged file left, and its target exists.
    if (await objects.exists(m.from)) await objects.copy(m.from, m.to);
    else if (!(await objects.exists(m.to)))
      throw new IngestError(`publish: neither ${m.from} nor ${m.to} exists; cannot finish run ${p.runId}`);
  }
}

/** Writes the manifest, removes the files a snapshot replaces, and the staged copies; idempotent. */
async function finishPublish(objects: ObjectStore, p: PendingPublish): Promise<void> {
  await objects.put(p.manifestKey, p.manifest, "application/json");
  if (p.replaces.length) await objects.delete(p.replaces.filter((k) => !p.moves.some((m) => m.to === k)));
  await objects.delete(p.moves.map((m) => m.from));
}

async function rollBack(deps: RunDeps, sourceId: string, state: RunState, p: PendingPublish): Promise<void> {
  await deps.objects.delete([...p.moves.map((m) => m.to), p.manifestKey]).catch(() => undefined);
  const { pending: _drop, ...rest } = state;
  await writeState(deps, sourceId, state, rest).catch(() => undefined);
}

/** Marks `p` published and advances the watermark, in one conditional write. */
async function commit(
  deps: RunDeps,
  sourceId: string,
  state: RunState,
  p: PendingPublish,
  keepLease: boolean,
): Promise<RunState> {
  const { pending: _p, lease, ...rest } = state;
  return writeState(deps, sourceId, state, {
    ...rest,
    ...p.next,
    ...(keepLease && lease ? { lease } : {}),
    lastPublished: { runDate: p.runDate, keys: p.moves.map((m) => m.to) },
    lastRunId: p.runId,
    lastStatus: "succeeded",
    lastRunAt: new Date(deps.now()).toISOString(),
  });
}

class StaleStateError extends IngestError {
  override readonly retryable = true;
}

async function writeState(
  deps: RunDeps,
  sourceId: string,
  current: RunState,
  next: Omit<RunState, "version">,
): Promise<RunState> {
  const written: RunState = { ...next, version: current.version + 1 };
  if (
    !(await deps.settings.putState(sourceId, written, current.version === 0 ? undefined : current.version))
  ) {
    throw new StaleStateError(
      `state of "${sourceId}" changed under this run (expected version ${current.version}); another run took over`,
    );
  }
  return written;
}

async function acquireLease(deps: RunDeps, sourceId: string, runId: string): Promise<RunState> {
  const state = (await deps.settings.getState(sourceId)) ?? { version: 0 };
  if (state.lease && state.lease.expiresAt > deps.now()) {
    throw new ConcurrentRunError(
      `source "${sourceId}" is being run by ${state.lease.runId} until ${new Date(state.lease.expiresAt).toISOString()}`,
    );
  }
  try {
    return await writeState(deps, sourceId, state, {
      ...state,
      lease: { runId, expiresAt: deps.deadline() + (deps.leaseGraceMs ?? 60_000) },
    });
  } catch (e) {
    if (e instanceof StaleStateError)
      throw new ConcurrentRunError(`source "${sourceId}" was taken by another run at the same moment`);
    throw e;
  }
}

async function releaseLease(deps: RunDeps, sourceId: string, runId: string): Promise<void> {
  const state = await deps.settings.getState(sourceId);
  if (!state?.lease || state.lease.runId !== runId) return;
  const { lease: _l, ...rest } = state;
  await writeState(deps, sourceId, state, rest);
}
