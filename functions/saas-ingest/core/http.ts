/**
 * HTTP GET of JSON with bounded retries: exponential backoff with full jitter on network errors,
 * 5xx, 429 and unparsable bodies; `Retry-After` (seconds or HTTP date) wins over backoff; never
 * sleeps past the deadline (throws OutOfTimeError instead, so the run stops uncommitted).
 */
import { OutOfTimeError, SourceHttpError } from "./errors";

export interface HttpOptions {
  /** Total attempts per request (first + retries). @default 5 */
  maxAttempts: number;
  /** First backoff step; doubles each retry, capped at maxDelayMs. @default 1000 */
  baseDelayMs: number;
  /** @default 16000 */
  maxDelayMs: number;
  /** Per-attempt timeout. @default 30000 */
  timeoutMs: number;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
  /** Epoch ms after which no request or wait may start. */
  deadline: () => number;
  onRetry?: (info: { url: string; attempt: number; delayMs: number; reason: string }) => void;
}

export interface JsonResponse {
  body: unknown;
  headers: Headers;
  status: number;
  bytes: number;
}

export const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Parses Retry-After: delta-seconds or an HTTP date. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class HttpClient {
  retries = 0;
  constructor(readonly o: HttpOptions) {}

  async getJson(url: string, headers: Record<string, string>): Promise<JsonResponse> {
    let lastReason = "";
    let lastStatus: number | undefined;
    for (let attempt = 1; ; attempt++) {
      if (this.o.now() >= this.o.deadline()) {
        throw new OutOfTimeError(`Out of time before requesting ${redact(url)} (attempt ${attempt})`);
      }
      let retryAfter: number | undefined;
      try {
        const res = await this.o.fetch(url, {
          headers: { accept: "application/json", ...headers },
          signal: AbortSignal.timeout(
            Math.max(1, Math.min(this.o.timeoutMs, this.o.deadline() - this.o.now())),
          ),
        });
        lastStatus = res.status;
        const text = await res.text();
        if (res.ok) {
          try {
            return {
              body: JSON.parse(text),
              headers: res.headers,
              status: res.status,
              bytes: Buffer.byteLength(text),
            };
          } catch {
            lastReason = `unparsable JSON body (${text.length} chars)`;
          }
        } else if (res.status === 429 || res.status >= 500) {
          lastReason = `HTTP ${res.status}`;
          retryAfter = retryAfterMs(res.headers.get("retry-after"), this.o.now());
        } else {
          throw new SourceHttpError(
            `GET ${redact(url)} answered HTTP ${res.status}: ${text.slice(0, 200)}`,
            redact(url),
            res.status,
            attempt,
            false,
          );
        }
      } catch (e) {
        if (e instanceof SourceHttpError) throw e;
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
      const delayMs = retryAfter ?? Math.round(backoff * (0.5 + this.o.random() / 2));
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
