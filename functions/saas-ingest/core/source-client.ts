/**
 * The source as the run loop sees it: authenticated GETs of JSON pages that slow down when the
 * source's rate limit is exhausted, refresh an OAuth token once on a 401, never send credentials
 * to another origin, and never let a secret value out in an error.
 */
import { createAuth, type RequestAuth } from "./auth";
import { redactError } from "./auth/redact";
import { OutOfTimeError, SourceHttpError, SourceShapeError } from "./errors";
import { type HttpClient, type JsonResponse, type PageResponse, type PageSink, redact } from "./http";
import type { OriginPolicy } from "./origin";
import type { Log, SecretResolver } from "./ports";
import { rateLimitWaitMs } from "./rate-limit";
import type { SourceSettings } from "./settings";

export class SourceClient {
  /** Epoch ms before which no request starts (the source's rate limit is exhausted). */
  private notBefore = 0;
  /** Milliseconds spent waiting for rate limits to reset. */
  throttledMs = 0;
  /** Access tokens fetched again after a 401. */
  authRefreshes = 0;

  private constructor(
    private readonly http: HttpClient,
    private readonly auth: RequestAuth,
    private readonly baseHeaders: Record<string, string>,
    private readonly origins: ReadonlySet<string>,
    private readonly log?: Log,
    private readonly policy?: OriginPolicy,
  ) {}

  /**
   * Reads the source's secrets and prepares its authentication. Credentials go only to the
   * origin of `request.url` and to `extraOrigins`.
   */
  static async open(
    cfg: Pick<SourceSettings, "auth" | "request">,
    secrets: SecretResolver,
    http: HttpClient,
    o: { log?: Log; extraOrigins?: string[]; policy?: OriginPolicy } = {},
  ): Promise<SourceClient> {
    const t = http.o;
    const auth = await createAuth(cfg.auth, secrets, {
      fetch: t.fetch,
      now: t.now,
      sleep: t.sleep,
      deadline: t.deadline,
      timeoutMs: t.timeoutMs,
    });
    const origins = new Set([
      new URL(cfg.request.url).origin,
      ...(o.extraOrigins ?? []).map((u) => new URL(u).origin),
    ]);
    return new SourceClient(http, auth, { ...(cfg.request.headers ?? {}) }, origins, o.log, o.policy);
  }

  /** Every secret value in use, in each wire form. */
  secrets(): string[] {
    return this.auth.secrets();
  }

  /** `e` with every secret value in its message replaced by `***`. */
  redact<E>(e: E): E {
    return redactError(e, this.secrets());
  }

  /**
   * One page streamed into `sink` (see HttpClient.getPage): credentials added by the auth scheme,
   * redirects checked by the run's OriginPolicy, rate limits honoured, a new token once on a 401.
   */
  async getPage<T>(url: string, sink: PageSink<T>): Promise<PageResponse<T>> {
    return this.authorized(url, {}, (req) =>
      this.http.getPage(
        req.url,
        { headers: this.baseHeaders, credentials: req.headers, policy: this.policy },
        sink,
      ),
    );
  }

  private checkOrigin(url: string): void {
    if (this.policy) {
      this.policy.check(url, "next page");
      return;
    }
    const origin = new URL(url).origin;
    if (!this.origins.has(origin)) {
      throw new SourceShapeError(
        `the source sent a next page on another origin (${redact(url)}); only ${[...this.origins].join(", ")} is followed, so credentials never leave the source`,
      );
    }
  }

  async get(url: string): Promise<JsonResponse> {
    return this.authorized(url, this.baseHeaders, (req) => this.http.getJson(req.url, req.headers));
  }

  /**
   * What every request to the source shares: the origin check, rate limits, the auth scheme's
   * credentials on `headers`, one retry with a new token on a 401, secrets redacted from errors.
   */
  private async authorized<R extends { headers: Headers }>(
    url: string,
    headers: Record<string, string>,
    send: (req: Awaited<ReturnType<RequestAuth["apply"]>>) => Promise<R>,
  ): Promise<R> {
    this.checkOrigin(url);
    try {
      await this.waitForRateLimit(url);
      let refreshed = false;
      for (;;) {
        const req = await this.auth.apply(url, headers);
        try {
          const res = await send(req);
          this.observe(res.headers);
          return res;
        } catch (e) {
          if (!refreshed && e instanceof SourceHttpError && e.status === 401 && (await this.auth.refresh())) {
            refreshed = true;
            this.authRefreshes++;
            this.log?.warn("the source answered 401; fetched a new access token and retrying once", {
              url: redact(url),
            });
            continue;
          }
          throw e;
        }
      }
    } catch (e) {
      throw this.redact(e);
    }
  }

  private observe(headers: Headers): void {
    const now = this.http.o.now();
    const { waitMs, header } = rateLimitWaitMs(headers, now);
    if (waitMs > 0) {
      this.notBefore = Math.max(this.notBefore, now + waitMs);
      this.log?.info("the source's rate limit is exhausted; waiting for its reset before the next request", {
        waitMs,
        header,
      });
    }
  }

  private async waitForRateLimit(url: string): Promise<void> {
    const { now, deadline, sleep } = this.http.o;
    const waitMs = this.notBefore - now();
    if (waitMs <= 0) return;
    if (this.notBefore >= deadline()) {
      throw new OutOfTimeError(
        `Out of time: the source's rate limit resets in ${Math.ceil(waitMs / 1000)} s, past the function's deadline; stopping before ${redact(url)}, uncommitted`,
      );
    }
    this.throttledMs += waitMs;
    await sleep(waitMs);
  }
}
