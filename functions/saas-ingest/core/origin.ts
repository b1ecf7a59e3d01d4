/**
 * Where credentials may go. A run trusts the origin of its first page (scheme, host, port) and the
 * source's `request.allowedOrigins`; next links and redirects elsewhere are refused. Only https,
 * except http to a loopback host when the function runs against local stand-ins
 * (ALLOW_HTTP_LOOPBACK=true, never set by the infrastructure).
 */
import { IngestError } from "./errors";
import { LOOPBACK_HOSTS } from "./settings";

/** A URL the run may not request (scheme or origin); never retryable. */
export class UntrustedUrlError extends IngestError {}

export class OriginPolicy {
  private readonly origins: Set<string>;

  constructor(
    firstUrl: string,
    allowedOrigins: string[] = [],
    private readonly allowHttpLoopback = false,
  ) {
    this.origins = new Set([new URL(firstUrl).origin, ...allowedOrigins.map((o) => new URL(o).origin)]);
    this.check(firstUrl, "request.url");
  }

  /** Throws UntrustedUrlError unless `url` is https (or allowed http) on a trusted origin. */
  check(url: string, what: string): void {
    const u = new URL(url);
    const loopbackHttp = u.protocol === "http:" && LOOPBACK_HOSTS.has(u.hostname) && this.allowHttpLoopback;
    if (u.protocol !== "https:" && !loopbackHttp)
      throw new UntrustedUrlError(
        `${what}: refusing ${u.protocol}//${u.host} — only https is allowed (http only to a loopback host with ALLOW_HTTP_LOOPBACK=true, for local stand-ins)`,
      );
    if (!this.origins.has(u.origin))
      throw new UntrustedUrlError(
        `${what}: refusing to follow ${u.origin}, which is not the first page's origin nor in request.allowedOrigins (${[...this.origins].join(", ")}); credentials stay with their origin`,
      );
  }
}

/**
 * Replaces every occurrence of a secret value in a text (error messages, log lines, echoed
 * bodies) with "***", including its URL-encoded and base64 forms.
 */
export class Redactor {
  private readonly values: string[] = [];

  add(secret: string): void {
    if (secret.length < 4) return; // too short to redact without mangling ordinary text
    for (const v of [secret, encodeURIComponent(secret), Buffer.from(secret).toString("base64")])
      if (!this.values.includes(v)) this.values.push(v);
    this.values.sort((a, b) => b.length - a.length);
  }

  scrub = (text: string): string => {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join("***");
    return out;
  };

  /** Rewrites an error's message and stack in place (and its cause's), then returns it. */
  scrubError<E>(e: E): E {
    let cur: unknown = e;
    for (let i = 0; i < 5 && cur instanceof Error; i++) {
      cur.message = this.scrub(cur.message);
      if (cur.stack) cur.stack = this.scrub(cur.stack);
      cur = (cur as { cause?: unknown }).cause;
    }
    return e;
  }
}
