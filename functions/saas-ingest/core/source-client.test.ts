import { OutOfTimeError, SourceHttpError, SourceShapeError } from "./errors";
import { HttpClient } from "./http";
import { SourceClient } from "./source-client";

type Handler = (url: URL, init: RequestInit) => Response;

/** An HttpClient over a scripted fetch and a fake clock; sleeping advances the clock. */
function setup(route: Handler, deadlineIn = 600_000) {
  const clock = { t: Date.UTC(2026, 10, 28) };
  const slept: number[] = [];
  const seen: Array<{ url: string; headers: Record<string, string>; method: string }> = [];
  const fetchFn = (async (url: string, init: RequestInit = {}) => {
    seen.push({ url, headers: (init.headers ?? {}) as Record<string, string>, method: init.method ?? "GET" });
    return route(new URL(url), init);
  }) as unknown as typeof fetch;
  const start = clock.t;
  const http = new HttpClient({
    maxAttempts: 2,
    baseDelayMs: 1,
    maxDelayMs: 1,
    timeoutMs: 1000,
    fetch: fetchFn,
    sleep: async (ms) => {
      slept.push(ms);
      clock.t += ms;
    },
    now: () => clock.t,
    random: () => 0.5,
    deadline: () => start + deadlineIn,
  });
  return { http, clock, slept, seen };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

const oauth = {
  type: "oauth2-client-credentials" as const,
  tokenUrl: "https://login.test/token",
  secretId: "o",
  clientAuth: "body" as const,
};
const oauthSecret = {
  get: async () => JSON.stringify({ clientId: "cid", clientSecret: "the-client-secret" }),
};

describe("SourceClient", () => {
  it("fetches a new token once on a 401 and retries the request with it", async () => {
    let issued = 0;
    const valid = new Set<string>();
    const { http, seen } = setup((u, init) => {
      if (u.pathname === "/token") {
        const t = `tok-${++issued}`;
        valid.add(t);
        return json({ access_token: t, token_type: "Bearer", expires_in: 3600 });
      }
      const auth = (init.headers as Record<string, string>).authorization;
      // The server revokes the first token after its first use (expired early, as servers do).
      if (auth === "Bearer tok-1" && seen.filter((s) => s.headers.authorization === auth).length > 1)
        valid.delete("tok-1");
      return valid.has(auth.slice(7)) ? json({ ok: true }) : json({ error: "expired" }, 401);
    });
    const client = await SourceClient.open(
      { auth: oauth, request: { url: "https://api.test/x" } },
      oauthSecret,
      http,
    );
    await client.get("https://api.test/x?page=1");
    await client.get("https://api.test/x?page=2");
    expect(issued).toBe(2);
    expect(client.authRefreshes).toBe(1);
    expect(
      seen.map(
        (s) =>
          `${s.method} ${new URL(s.url).pathname}${new URL(s.url).search} ${s.headers.authorization ?? ""}`,
      ),
    ).toEqual([
      "POST /token ",
      "GET /x?page=1 Bearer tok-1",
      "GET /x?page=2 Bearer tok-1",
      "POST /token ",
      "GET /x?page=2 Bearer tok-2",
    ]);
  });

  it("refreshes only once per request: a second 401 fails, naming the URL", async () => {
    let tokens = 0;
    const { http } = setup((u) =>
      u.pathname === "/token" ? json({ access_token: `t${++tokens}` }) : json({}, 401),
    );
    const client = await SourceClient.open(
      { auth: oauth, request: { url: "https://api.test/x" } },
      oauthSecret,
      http,
    );
    const err = await client.get("https://api.test/x").catch((e) => e);
    expect(err).toBeInstanceOf(SourceHttpError);
    expect(err.status).toBe(401);
    expect(tokens).toBe(2);
  });

  it("does not retry a 401 for a static secret", async () => {
    const { http, seen } = setup(() => json({}, 401));
    const client = await SourceClient.open(
      { auth: { type: "bearer", secretId: "b" }, request: { url: "https://api.test/x" } },
      { get: async () => "static-token" },
      http,
    );
    await expect(client.get("https://api.test/x")).rejects.toThrow(/HTTP 401/);
    expect(seen).toHaveLength(1);
  });

  it("never lets a query key out in an error, even when the server echoes it", async () => {
    const { http } = setup((u) => json({ error: `bad key ${u.searchParams.get("api_key")}` }, 403));
    const client = await SourceClient.open(
      {
        auth: { type: "query", param: "api_key", secretId: "k" },
        request: { url: "https://api.test/v1/events" },
      },
      { get: async () => "sk_live_0123456789" },
      http,
    );
    const err = await client.get("https://api.test/v1/events?cursor=a").catch((e) => e);
    expect(err.message).toContain("bad key ***");
    expect(err.message).toContain("api_key=…");
    expect(`${err.message} ${err.url} ${err.stack}`).not.toContain("sk_live_0123456789");
  });

  it("waits for an exhausted rate limit to reset before the next request, not after it", async () => {
    const { http, clock, slept } = setup(() =>
      json([], 200, {
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(Math.floor(clock.t / 1000) + 5),
      }),
    );
    const client = await SourceClient.open(
      { auth: { type: "none" }, request: { url: "https://api.test/x" } },
      { get: async () => "" },
      http,
    );
    await client.get("https://api.test/x");
    expect(slept).toEqual([]);
    await client.get("https://api.test/x?p=2");
    expect(slept).toEqual([6000]);
    expect(client.throttledMs).toBe(6000);
  });

  it("stops uncommitted instead of waiting for a reset past the deadline", async () => {
    const { http, slept } = setup(
      () => json([], 200, { "ratelimit-remaining": "0", "ratelimit-reset": "3600" }),
      60_000,
    );
    const client = await SourceClient.open(
      { auth: { type: "none" }, request: { url: "https://api.test/x" } },
      { get: async () => "" },
      http,
    );
    await client.get("https://api.test/x");
    await expect(client.get("https://api.test/x?p=2")).rejects.toThrow(OutOfTimeError);
    expect(slept).toEqual([]);
  });

  it("refuses to send credentials to another origin", async () => {
    const { http, seen } = setup(() => json([]));
    const client = await SourceClient.open(
      { auth: { type: "bearer", secretId: "b" }, request: { url: "https://api.test/x" } },
      { get: async () => "tok-abcdef" },
      http,
    );
    await expect(client.get("https://evil.test/x")).rejects.toThrow(SourceShapeError);
    await expect(client.get("http://api.test/x")).rejects.toThrow(/another origin/);
    expect(seen).toHaveLength(0);
  });
});

describe("HttpClient and rate-limit refusals", () => {
  const refusal = (status: number, headers: Record<string, string>) => {
    let calls = 0;
    const ctx = setup(() =>
      ++calls === 1 ? json({ message: "API rate limit exceeded" }, status, headers) : json([]),
    );
    return { ...ctx, calls: () => calls };
  };

  it("retries GitHub's 403 with X-RateLimit-Remaining: 0 after the reset", async () => {
    const { http, slept, clock, calls } = refusal(403, {
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(Math.floor(Date.UTC(2026, 10, 28) / 1000) + 4),
    });
    expect(clock.t).toBe(Date.UTC(2026, 10, 28));
    await http.getJson("https://api.test/x", {});
    expect(calls()).toBe(2);
    expect(slept).toEqual([5000]);
  });

  it("waits for RateLimit-Reset on a 429 without Retry-After instead of backing off blindly", async () => {
    const { http, slept } = refusal(429, { "ratelimit-remaining": "0", "ratelimit-reset": "7" });
    await http.getJson("https://api.test/x", {});
    expect(slept).toEqual([7000]);
  });

  it("still fails at once on a 403 that is not a rate limit", async () => {
    const { http, calls } = refusal(403, { "x-ratelimit-remaining": "12" });
    await expect(http.getJson("https://api.test/x", {})).rejects.toThrow(/answered HTTP 403/);
    expect(calls()).toBe(1);
  });
});
