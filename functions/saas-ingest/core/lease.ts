/**
 * The state item of one source, written only through `StateRef` (one conditional write at a time,
 * each expecting the version it last saw), and the run's lease on it: short (`leaseMs`, 30 s by
 * default) and renewed every third of that while the run is alive. A crashed run therefore
 * blocks the next try for at most `leaseMs`; a run that loses its lease (another run took over)
 * stops before publishing.
 */
import { ConcurrentRunError, IngestError } from "./errors";
import type { SettingsStore } from "./ports";
import type { RunState } from "./state";

export class StaleStateError extends IngestError {
  override readonly retryable = true;
}

export class StateRef {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: SettingsStore,
    readonly sourceId: string,
    public current: RunState,
  ) {}

  /** Writes `change(current)` conditionally on the current version; serialised with every other write. */
  write(change: (s: RunState) => Omit<RunState, "version">): Promise<RunState> {
    const run = async () => {
      const cur = this.current;
      const written: RunState = { ...change(cur), version: cur.version + 1 };
      const ok = await this.store.putState(
        this.sourceId,
        written,
        cur.version === 0 ? undefined : cur.version,
      );
      if (!ok)
        throw new StaleStateError(
          `state of "${this.sourceId}" changed under this run (expected version ${cur.version}); another run took over`,
        );
      this.current = written;
      return written;
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }
}

export interface LeaseOptions {
  now: () => number;
  /** @default 30 s */
  leaseMs?: number;
  /** @default leaseMs / 3 */
  renewEveryMs?: number;
  onLost?: (e: Error) => void;
}

export class Lease {
  private timer?: NodeJS.Timeout;
  /** Set when a renewal failed: the run must stop. */
  lost?: Error;

  private constructor(
    private readonly ref: StateRef,
    readonly runId: string,
    private readonly o: LeaseOptions,
  ) {}

  get leaseMs() {
    return this.o.leaseMs ?? 30_000;
  }

  /** Reads the state and takes the lease, or throws ConcurrentRunError while another run holds it. */
  static async acquire(
    store: SettingsStore,
    sourceId: string,
    runId: string,
    o: LeaseOptions,
  ): Promise<{ lease: Lease; ref: StateRef }> {
    const state = (await store.getState(sourceId)) ?? { version: 0 };
    if (state.lease && state.lease.expiresAt > o.now()) {
      throw new ConcurrentRunError(
        `source "${sourceId}" is being run by ${state.lease.runId} until ${new Date(state.lease.expiresAt).toISOString()} (the lease is renewed while that run is alive)`,
      );
    }
    const ref = new StateRef(store, sourceId, state);
    const lease = new Lease(ref, runId, o);
    try {
      await ref.write((s) => ({ ...s, lease: { runId, expiresAt: o.now() + lease.leaseMs } }));
    } catch (e) {
      if (e instanceof StaleStateError)
        throw new ConcurrentRunError(`source "${sourceId}" was taken by another run at the same moment`);
      throw e;
    }
    lease.start();
    return { lease, ref };
  }

  private start() {
    const every = this.o.renewEveryMs ?? Math.floor(this.leaseMs / 3);
    this.timer = setInterval(() => {
      this.renew().catch((e) => {
        this.lost ??= e as Error;
        this.stop();
        this.o.onLost?.(e as Error);
      });
    }, every);
    this.timer.unref();
  }

  /** Extends the lease (no-op once stopped). */
  async renew(): Promise<void> {
    if (!this.timer) return;
    await this.ref.write((s) => {
      if (s.lease?.runId !== this.runId)
        throw new StaleStateError(`lease of "${this.ref.sourceId}" was taken by ${s.lease?.runId}`);
      return { ...s, lease: { runId: this.runId, expiresAt: this.o.now() + this.leaseMs } };
    });
  }

  /** Throws when the lease was lost (another run took over). */
  check(): void {
    if (this.lost)
      throw new ConcurrentRunError(`lost the lease of "${this.ref.sourceId}": ${this.lost.message}`, {
        cause: this.lost,
      });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops renewing and removes the lease if it is still ours (best effort). */
  async release(): Promise<void> {
    this.stop();
    await this.ref
      .write((s) => {
        if (s.lease?.runId !== this.runId) return s;
        const { lease: _l, ...rest } = s;
        return rest;
      })
      .catch(() => undefined);
  }
}
