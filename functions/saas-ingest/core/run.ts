/**
 * One ingestion run of one source: settings -> lease -> (finish a pending publish) -> pages ->
 * staged gzip files -> publish -> manifest -> state. Pure orchestration over injected ports; each
 * concern has its file: lease.ts (state writes, lease), fetch-loop.ts (pages, limits),
 * publish.ts (copy, manifest, commit), incremental.ts (typed cursors), origin.ts (where
 * credentials may go, redaction).
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
 * - A short lease, renewed while the run is alive, keeps two runs of one source from interleaving.
 */
import type { Log } from "../../shared/logger";
import { newRunId } from "../../shared/run-id";
import { InvalidEventError, OutOfTimeError, SourceDisabledError, SourceNotFoundError } from "./errors";
import { type FetchStats, fetchAll } from "./fetch-loop";
import type { HttpClient } from "./http";
import { IncrementalTracker } from "./incremental";
import { Lease } from "./lease";
import { OriginPolicy, Redactor } from "./origin";
import type { MetricsSink, ObjectStore, PublishAnnouncer, SecretResolver, SettingsStore } from "./ports";
import {
  commit,
  copyFiles,
  dropStaged,
  dropSupersededBoundary,
  finishPublish,
  loadBoundaryKeys,
  planPublish,
  rollBack,
  stagingDir,
} from "./publish";
import { checkRunDate, resolveRunDate } from "./run-date";
import { parseSourceSettings } from "./settings";
import { SourceClient } from "./source-client";
import { RotatingGzipWriter } from "./writer";

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
  /** Records at or before the committed watermark (already delivered). */
  skipped: number;
  /** Records skipped for a missing or unparsable cursor (`incremental.onBadCursor: "skip"`). */
  badCursor: number;
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
  /** zlib level of output files. @default 1 (fastest; see README for the measurement) */
  gzipLevel?: number;
  /** Time kept for publishing after the last page. @default 15 s */
  publishReserveMs?: number;
  /** @default random */
  newRunId?: () => string;
  /** How long a lease holds without renewal (a crashed run blocks the next this long). @default 30 s */
  leaseMs?: number;
  /** Allow http:// to loopback hosts (local stand-ins only). @default false */
  allowHttpLoopback?: boolean;
}

export function validateEvent(event: unknown, now: number): { sourceId: string; runDate?: string } {
  if (!event || typeof event !== "object")
    throw new InvalidEventError("event: must be an object { sourceId, runDate? }");
  const { sourceId, runDate } = event as Record<string, unknown>;
  if (typeof sourceId !== "string" || !/^[A-Za-z0-9_.-]{1,128}$/.test(sourceId)) {
    throw new InvalidEventError(
      `event.sourceId: must be a non-empty id of letters, digits, "_", "-", "." (got ${JSON.stringify(sourceId)})`,
    );
  }
  return { sourceId, runDate: runDate === undefined ? undefined : checkRunDate(runDate, now) };
}

export const defaultRunId = newRunId;

export async function runIngestion(event: IngestEvent, deps: RunDeps): Promise<RunSummary> {
  const started = deps.now();
  const checked = validateEvent(event, started);
  const sourceId = checked.sourceId;
  const raw = await deps.settings.getConfig(sourceId);
  if (!raw) throw new SourceNotFoundError(sourceId);
  const cfg = parseSourceSettings(sourceId, raw);
  if (!cfg.enabled) throw new SourceDisabledError(sourceId);
  const runDate = checked.runDate ?? resolveRunDate(cfg.runDate, cfg.scheduleTimezone, started);
  const policy = new OriginPolicy(
    cfg.request.url,
    cfg.request.allowedOrigins,
    deps.allowHttpLoopback ?? false,
  );

  const runId = (deps.newRunId ?? (() => newRunId(started)))();
  const redactor = new Redactor();
  const log = scrubbedLog(deps.log, redactor);
  const { lease, ref } = await Lease.acquire(deps.settings, sourceId, runId, {
    now: deps.now,
    leaseMs: deps.leaseMs,
    onLost: (e) => log.warn("lease lost; the run stops", { sourceId, runId, error: e.message }),
  });
  const writer = new RotatingGzipWriter(
    deps.objects,
    (i) => `${stagingDir(cfg.target.prefix, runId)}/part-${String(i).padStart(5, "0")}.jsonl.gz`,
    deps.maxFileBytes ?? 64 * 1024 * 1024,
    deps.gzipLevel ?? 1,
  );
  const stats: FetchStats = { pages: 0, records: 0, httpBytes: 0 };
  let recoveredRunId: string | undefined;
  /** True once every file is visible: a failure then leaves the publish for the next run to finish. */
  let copied = false;
  let tracker: IncrementalTracker | undefined;
  try {
    if (ref.current.pending) {
      const pending = ref.current.pending;
      recoveredRunId = pending.runId;
      log.warn("finishing the publish of an interrupted run", { sourceId, interruptedRunId: recoveredRunId });
      await copyFiles(deps.objects, pending);
      await finishPublish(deps.objects, pending);
      await dropStaged(deps.objects, pending);
      await commit(ref, pending, deps.now());
      await dropSupersededBoundary(deps.objects, pending);
    }
    const source = await SourceClient.open(cfg, deps.secrets, deps.http, {
      log,
      extraOrigins: cfg.request.allowedOrigins,
      policy,
    });
    for (const s of source.secrets()) redactor.add(s);
    const state = ref.current;
    if (cfg.incremental) {
      tracker = new IncrementalTracker(
        {
          cursorField: cfg.incremental.cursorField,
          cursorType: cfg.incremental.cursorType,
          primaryKey: cfg.primaryKey!,
          onBadCursor: cfg.incremental.onBadCursor,
        },
        {
          watermark: state.watermark,
          keys: new Set(state.watermark === undefined ? [] : await loadBoundaryKeys(deps.objects, state)),
        },
      );
    }
    await fetchAll(
      {
        cfg,
        source,
        policy,
        writer,
        tracker,
        since: cfg.incremental ? (state.watermark ?? cfg.incremental.initial) : undefined,
        checkpoint: () => {
          lease.check();
          if (deps.now() >= deps.deadline())
            throw new OutOfTimeError("Out of time between pages; nothing was published");
        },
      },
      stats,
    );
    const files = await writer.close();
    lease.check();
    if (deps.now() + (deps.publishReserveMs ?? 15_000) > deps.deadline()) {
      throw new OutOfTimeError(
        `Out of time before publishing ${files.length} file(s); nothing was published`,
      );
    }
    const next = tracker?.next();
    const bytes = files.reduce((a, f) => a + f.bytes, 0);
    const pending = await planPublish(deps.objects, {
      cfg,
      sourceId,
      runId,
      runDate,
      files,
      state: ref.current,
      watermark: next?.watermark,
      boundaryKeys: next?.boundaryKeys ?? [],
      counts: {
        records: stats.records,
        files: files.length,
        pages: stats.pages,
        bytes,
        skipped: tracker?.skipped ?? 0,
        badCursor: tracker?.badCursor ?? 0,
      },
      now: deps.now(),
    });
    await ref.write((s) => ({ ...s, pending }));
    try {
      await copyFiles(deps.objects, pending, true);
    } catch (e) {
      // Not every file is visible yet: take back what was copied (nothing visible, nothing committed).
      await rollBack(deps.objects, ref, pending);
      throw e;
    }
    // Every file is visible from here on: a failure leaves `pending` for the next run to finish
    // (roll forward), never a rollback that could take away a snapshot's previous files.
    copied = true;
    await finishPublish(deps.objects, pending, true);
    lease.stop();
    // The staged copies go beside the commit, best effort (`_staging/` expires by lifecycle).
    const dropped = dropStaged(deps.objects, pending).catch((e) =>
      log.warn("staged copies not removed; the bucket lifecycle expires them", { error: String(e) }),
    );
    await commit(ref, pending, deps.now());
    await dropped;
    await lease.release();
    await dropSupersededBoundary(deps.objects, pending);
    const summary: RunSummary = {
      sourceId,
      runId,
      runDate,
      status: "succeeded",
      records: stats.records,
      skipped: tracker?.skipped ?? 0,
      badCursor: tracker?.badCursor ?? 0,
      pages: stats.pages,
      files: files.length,
      bytes,
      retries: deps.http.retries,
      durationMs: deps.now() - started,
      watermark: pending.next.watermark,
      manifestKey: pending.manifestKey,
      recoveredRunId,
    };
    if (summary.badCursor > 0)
      log.warn("records skipped for a missing or unparsable cursor (incremental.onBadCursor: skip)", {
        sourceId,
        runId,
        badCursor: summary.badCursor,
      });
    log.info("run succeeded", { ...summary, httpBytes: stats.httpBytes });
    await deps.metrics
      ?.publish({ ...summary, status: "succeeded" })
      .catch((e) => log.warn("metrics not published", { error: String(e) }));
    if (deps.announcer) summary.announced = await announce(deps.announcer, summary, log);
    return summary;
  } catch (e) {
    redactor.scrubError(e);
    lease.stop();
    await writer.abort();
    await lease.release();
    log.error(
      copied
        ? "run failed after its files were published; the next run finishes the publish and commits the state"
        : "run failed; nothing was published and the state was not advanced",
      { sourceId, runId, error: (e as Error).message, pages: stats.pages, records: stats.records },
    );
    await deps.metrics
      ?.publish({
        sourceId,
        runId,
        status: "failed",
        records: stats.records,
        pages: stats.pages,
        bytes: 0,
        files: 0,
        retries: deps.http.retries,
        durationMs: deps.now() - started,
      })
      .catch(() => undefined);
    throw e;
  }
}

/** Every line through the redactor (secret values never reach the logs). */
function scrubbedLog(log: Log, r: Redactor): Log {
  const clean = (extra?: Record<string, unknown>) =>
    extra === undefined ? undefined : (JSON.parse(r.scrub(JSON.stringify(extra))) as Record<string, unknown>);
  return {
    info: (m, x) => log.info(r.scrub(m), clean(x)),
    warn: (m, x) => log.warn(r.scrub(m), clean(x)),
    error: (m, x) => log.error(r.scrub(m), clean(x)),
  };
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
