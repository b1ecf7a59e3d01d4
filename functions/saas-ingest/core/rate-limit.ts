/**
 * Rate-limit headers, read so a run slows down before the source answers 429.
 *
 * | headers                                               | reset means                          |
 * |-------------------------------------------------------|--------------------------------------|
 * | `RateLimit: "default";r=0;t=30` (IETF draft ≥ 07)     | `t` seconds from now                 |
 * | `RateLimit: limit=100, remaining=0, reset=30` (draft 03–06) | `reset` seconds from now       |
 * | `RateLimit-Remaining` + `RateLimit-Reset` (draft ≤ 02, Zendesk) | seconds from now           |
 * | `X-RateLimit-Remaining` + `X-RateLimit-Reset` (GitHub, Okta, …) | epoch seconds when ≥ 10⁹, epoch ms when ≥ 10¹², else seconds from now; or an HTTP date |
 *
 * When a window has nothing left (`remaining` 0), the next request waits until its reset. The most
 * restrictive window wins when several are sent.
 */

export interface RateLimitWindow {
  remaining: number;
  /** Milliseconds from now until the window resets. */
  resetInMs: number;
  /** The header it came from (for logs and errors). */
  header: string;
}

/** Parses every rate-limit window the response declares. */
export function rateLimitWindows(headers: Headers, now: number): RateLimitWindow[] {
  const out: RateLimitWindow[] = [];
  const structured = headers.get("ratelimit");
  if (structured) out.push(...parseRateLimitField(structured));
  for (const prefix of ["ratelimit", "x-ratelimit"]) {
    const remaining = toNumber(headers.get(`${prefix}-remaining`));
    if (remaining === undefined) continue;
    const resetRaw = headers.get(`${prefix}-reset`) ?? headers.get(`${prefix}-reset-after`);
    const resetInMs = resetRaw === null ? undefined : resetToMs(resetRaw, now, prefix === "ratelimit");
    if (resetInMs !== undefined) out.push({ remaining, resetInMs, header: `${prefix}-reset` });
  }
  return out;
}

/**
 * How long to wait before the next request: until the latest reset among exhausted windows, or 0.
 */
export function rateLimitWaitMs(headers: Headers, now: number): { waitMs: number; header?: string } {
  let best: { waitMs: number; header?: string } = { waitMs: 0 };
  for (const w of rateLimitWindows(headers, now)) {
    if (w.remaining <= 0 && w.resetInMs > best.waitMs) best = { waitMs: w.resetInMs, header: w.header };
  }
  return best;
}

function toNumber(v: string | null): number | undefined {
  if (v === null || v.trim() === "") return undefined;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : undefined;
}

/** Reset values: delta seconds, epoch seconds, epoch milliseconds or an HTTP date. */
export function resetToMs(raw: string, now: number, alwaysDelta = false): number | undefined {
  const n = toNumber(raw);
  if (n === undefined) {
    const at = Date.parse(raw);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
  }
  if (n < 0) return undefined;
  if (!alwaysDelta && n >= 1e12) return Math.max(0, n - now);
  // Epoch seconds: a second's granularity, so wait to the end of that second.
  if (!alwaysDelta && n >= 1e9) return Math.max(0, Math.ceil(n * 1000 - now) + 1000);
  return Math.ceil(n * 1000);
}

/**
 * The `RateLimit` field: an sf-list of items with `r` (remaining) and `t` (seconds to reset)
 * parameters (draft 07+), or the older dictionary `limit=…, remaining=…, reset=…`.
 */
function parseRateLimitField(value: string): RateLimitWindow[] {
  const members = value.split(",").map((m) => m.trim());
  const dict = new Map<string, string>();
  for (const m of members) {
    const eq = /^([a-z][a-z0-9_-]*)=([^;]*)/i.exec(m);
    if (eq) dict.set(eq[1].toLowerCase(), eq[2].trim());
  }
  if (dict.has("remaining") && dict.has("reset")) {
    const remaining = toNumber(dict.get("remaining") ?? null);
    const reset = toNumber(dict.get("reset") ?? null);
    return remaining === undefined || reset === undefined || reset < 0
      ? []
      : [{ remaining, resetInMs: Math.ceil(reset * 1000), header: "ratelimit" }];
  }
  const out: RateLimitWindow[] = [];
  for (const m of members) {
    const params = new Map<string, string>();
    for (const p of m.split(";").slice(1)) {
      const [k, v] = p.split("=").map((x) => x.trim());
      if (k && v !== undefined) params.set(k.toLowerCase(), v);
    }
    const remaining = toNumber(params.get("r") ?? null);
    const reset = toNumber(params.get("t") ?? null);
    if (remaining !== undefined && reset !== undefined && reset >= 0)
      out.push({ remaining, resetInMs: Math.ceil(reset * 1000), header: "ratelimit" });
  }
  return out;
}
