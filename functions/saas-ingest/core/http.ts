/**
 * HTTP GET of JSON pages with bounded retries: exponential backoff with full jitter on network
 * errors, 5xx, 429 and incomplete bodies; `Retry-After` (seconds or HTTP date) wins over backoff,
 * capped by `maxRetryAfterMs`; never sleeps past the deadline (throws OutOfTimeError instead, so
 * the run stops uncommitted).
 *
 * Bodies stream into a `PageSink` (no page is held whole); a retried attempt first aborts what
 * the sink took. Redirects are followed by hand (at most 5): each target must pass the run's
 * `OriginPolicy`, and credentials are dropped as soon as the origin changes.
 */
import { OutOfTimeError, SourceHttpError } from "./errors";
import type { OriginPolicy } from "./origin";
import { rateLimitWaitMs } from "./rate-limit";
import { IncompleteBodyError } from "./record-stream";

export interface HttpOptions {
  /** Total attempts per request (first + retries). @default 5 */
  maxAttempts: number;
  /** First backoff step; doubles each retry, capped at maxDelayMs. @default 1000 */
  baseDelayMs: number;
  /** @default 16000 */
  maxDelayMs: number;
  /** Longest wait a `Retry-After` may ask for; longer asks wait this long. @default 60000 */
  maxRetryAfterMs?: number;
  /** Per-attempt timeout (headers and body). @default 30000 */
  timeoutMs: number;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
  /** Epoch ms after which no request or wait may start. */
  deadline: () => number;
  onRetry?: (info: { url: string; attempt: number; delayMs: number; reason: string }) => void;
}

/** Receives one page's body as it streams; `abort` forgets an attempt that will be retried. */
export interface PageSink<T> {
  begin(): void;
  write(chunk: Uint8Array): void | Promise<void>;
  /** The body is complete: returns the page's result. Throw IncompleteBodyError to retry. */
  end(): T | Promise<T>;
  abort(): void;
}

export interface PageResponse<T> {
  result: T;
  headers: Headers;
  status: number;
  /** Body bytes (after decompression). */
  bytes: number;
  /** The URL that answered (after redirects); relative next links resolve against it. */
  url: string;
}

export interface JsonResponse {
  body: unknown;
  headers: Headers;
  status: number;
  bytes: number;
}

export interface RequestOptions {
  /** Headers sent to every origin (accept, user-agent, …). */
  headers?: Record<string, string>;
  /** Credentials: sent only while the URL stays on the origin first requested. */
  credentials?: Record<string, string>;
  /** Checks every redirect target (scheme and origin). */
  policy?: OriginPolicy;
}

export const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Parses Retry-After: delta-seconds or an HTTP date. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** A non-retryable failure raised by the sink (limits, bad records): passes straight through. */
function isSinkFatal(e: unknown): boolean {
  return (
    e instanceof Error &&
    !(e instanceof IncompleteBodyError) &&
    e.name !== "AbortError" &&
    e.name !== "TimeoutError" &&
    "retryable" in e
  );
}

/** GitHub answers an exhausted primary rate limit with 403 and `X-RateLimit-Remaining: 0`: retryable. */
function isRateLimitRefusal(res: Response, now: number): boolean {
  return res.status === 403 && rateLimitWaitMs(res.headers, now).waitMs > 0;
}

export class HttpClient {
  retries = 0;
  constructor(readonly o: HttpOptions) {}

  /** Buffers a whole JSON body (small responses; pages go through getPage). */
  async getJson(
    url: string,
    headers: Record<string, string>,
    opts: RequestOptions = {},
  ): Promise<JsonResponse> {
    let parts: Buffer[] = [];
    const r = await this.getPage<unknown>(
      url,
      { ...opts, credentials: { ...headers, ...(opts.credentials ?? {}) } },
      {
        begin: () => {
          parts = [];
        },
        write: (c) => {
          parts.push(Buffer.from(c));
        },
        end: () => {
          try {
            return JSON.parse(Buffer.concat(parts).toString("utf8"));
          } catch {
            throw new IncompleteBodyError(`unparsable JSON body (${Buffer.concat(parts).length} bytes)`);
          }
        },
        abort: () => {
          parts = [];
        },
      },
    );
    return { body: r.result, headers: r.headers, status: r.status, bytes: r.bytes };
  }

  async getPage<T>(url: string, opts: RequestOptions, sink: PageSink<T>): Promise<PageResponse<T>> {
    let lastReason = "";
    let lastStatus: number | undefined;
    for (let attempt = 1; ; attempt++) {
      if (this.o.now() >= this.o.deadline()) {
        throw new OutOfTimeError(`Out of time before requesting ${redact(url)} (attempt ${attempt})`);
      }
      let retryAfter: number | undefined;
      const signal = AbortSignal.timeout(
        Math.max(1, Math.min(this.o.timeoutMs, this.o.deadline() - this.o.now())),
      );
      try {
        const { res, finalUrl } = await this.follow(url, opts, signal);
        lastStatus = res.status;
        if (res.ok) {
          sink.begin();
          let bytes = 0;
          try {
            if (res.body) {
              for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
                bytes += chunk.length;
                await sink.write(chunk);
              }
            }
            const result = await sink.end();
            return { result, headers: res.headers, status: res.status, bytes, url: finalUrl };
          } catch (e) {
            sink.abort();
            if (isSinkFatal(e)) {
              await res.body?.cancel().catch(() => undefined);
              throw e;
            }
            if (e instanceof IncompleteBodyError)
              lastReason = `incomplete or unparsable JSON body (${e.message})`;
            else throw e; // network errors while reading: handled below
          }
        } else if (res.status === 429 || res.status >= 500 || isRateLimitRefusal(res, this.o.now())) {
          await res.body?.cancel().catch(() => undefined);
          lastReason = `HTTP ${res.status}`;
          // Retry-After wins; else the reset of an exhausted rate-limit window (X-RateLimit-*, RateLimit-*).
          retryAfter =
            retryAfterMs(res.headers.get("retry-after"), this.o.now()) ??
            (rateLimitWaitMs(res.headers, this.o.now()).waitMs || undefined);
        } else {
          const text = (await res.text().catch(() => "")).slice(0, 200);
          throw new SourceHttpError(
            `GET ${redact(finalUrl)} answered HTTP ${res.status}: ${text}`,
            redact(finalUrl),
            res.status,
            attempt,
            false,
          );
        }
      } catch (e) {
        if (e instanceof SourceHttpError || isSinkFatal(e)) throw e;
        if (this.o.now() >= this.o.deadline()) {
          throw new OutOfTimeError(`Out of time while requesting ${redact(url)}`, { cause: e });
        }
        lastReason = `network error: ${(e as Error).message}`;
        lastStatus = undefined;
      }
      if (attempt >= this.o.maxAttempts) {
        throw new SourceHttpError(
          `GET ${redact(url)} failed after ${attempt} attempts: ${lastReason}`,
          redact(url),
          lastStatus,
          attempt,
          true,
        );
      }
      const backoff = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (attempt - 1));
      const cap = this.o.maxRetryAfterMs ?? 60_000;
      const delayMs =
        retryAfter !== undefined
          ? Math.min(retryAfter, cap)
          : Math.round(backoff * (0.5 + this.o.random() / 2));
      if (this.o.now() + delayMs >= this.o.deadline()) {
        throw new OutOfTimeError(
          `Out of time: ${redact(url)} asked to wait ${delayMs} ms after ${lastReason}, past the function's deadline`,
        );
      }
      this.retries++;
      this.o.onRetry?.({ url: redact(url), attempt, delayMs, reason: lastReason });
      await this.o.sleep(delayMs);
    }
  }

  /** One request, following redirects by hand: each target checked, credentials only on the first origin. */
  private async follow(
    url: string,
    opts: RequestOptions,
    signal: AbortSignal,
  ): Promise<{ res: Response; finalUrl: string }> {
    const firstOrigin = new URL(url).origin;
    let current = url;
    for (let hop = 0; ; hop++) {
      const sameOrigin = new URL(current).origin === firstOrigin;
      const res = await this.o.fetch(current, {
        headers: {
          accept: "application/json",
          ...(opts.headers ?? {}),
          ...(sameOrigin ? (opts.credentials ?? {}) : {}),
        },
        redirect: "manual",
        signal,
      });
      if (!REDIRECTS.has(res.status)) return { res, finalUrl: current };
      await res.body?.cancel().catch(() => undefined);
      const location = res.headers.get("location");
      if (!location)
        throw new SourceHttpError(
          `GET ${redact(current)} answered HTTP ${res.status} without a Location`,
          redact(current),
          res.status,
          1,
          false,
        );
      if (hop >= MAX_REDIRECTS)
        throw new SourceHttpError(
          `GET ${redact(url)}: more than ${MAX_REDIRECTS} redirects`,
          redact(url),
          res.status,
          1,
          false,
        );
      const next = new URL(location, current).toString();
      opts.policy?.check(next, `redirect from ${redact(current)}`);
      current = next;
    }
  }
}

/** URLs in errors and logs lose their query values (they may carry tokens). */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    for (const k of [...u.searchParams.keys()]) u.searchParams.set(k, "…");
    return u.toString().replace(/%E2%80%A6/g, "…");
  } catch {
    return url;
  }
}
