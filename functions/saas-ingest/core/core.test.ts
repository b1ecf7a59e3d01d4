import { HttpClient, redact, retryAfterMs } from "./http";
import { compareCursor, IncrementalTracker } from "./incremental";
import { getPath } from "./json-path";
import { firstPageParams, nextLink, nextPage } from "./pagination";
import { InvalidSettingsError, parseSourceSettings } from "./settings";

describe("pagination", () => {
  it("parses RFC 8288 Link headers with several links, quoted rels and relative URLs", () => {
    const h = '<https://a.test/x?p=1>; rel="first", </x?p=3>; rel="prev next"';
    expect(nextLink(h, "https://a.test/x?p=2")).toBe("https://a.test/x?p=3");
    expect(nextLink("<https://a.test/x?p=9>; rel=last", "https://a.test/")).toBeUndefined();
    expect(nextLink(null, "https://a.test/")).toBeUndefined();
  });

  it("ends cursor paging on null, absent or empty cursors", () => {
    const p = { type: "cursor" as const, cursorPath: "meta.next", param: "c" };
    const h = new Headers();
    expect(nextPage(p, "https://a.test/?c=1", { meta: { next: "2" } }, h, 5)).toBe("https://a.test/?c=2");
    for (const body of [{ meta: { next: null } }, { meta: {} }, { meta: { next: "" } }])
      expect(nextPage(p, "https://a.test/", body, h, 5)).toBeUndefined();
  });

  it("ends page paging on an empty page and offset paging on a short page", () => {
    const h = new Headers();
    const page = { type: "page" as const, param: "page", start: 1 };
    expect(firstPageParams(page)).toEqual({ page: "1" });
    expect(nextPage(page, "https://a.test/?page=4", [], h, 3)).toBe("https://a.test/?page=5");
    expect(nextPage(page, "https://a.test/?page=4", [], h, 0)).toBeUndefined();
    const offset = { type: "offset" as const, param: "o", limitParam: "l", limit: 10 };
    expect(nextPage(offset, "https://a.test/?o=20&l=10", [], h, 10)).toBe("https://a.test/?o=30&l=10");
    expect(nextPage(offset, "https://a.test/?o=20&l=10", [], h, 9)).toBeUndefined();
  });
});

describe("incremental", () => {
  it("compares numbers, ISO instants and strings", () => {
    expect(compareCursor("10", "9")).toBeGreaterThan(0);
    expect(compareCursor("2025-01-01T00:00:00Z", "2025-01-01T00:00:00.000Z")).toBe(0);
    expect(compareCursor("2025-01-01T09:00:00+09:00", "2025-01-01T00:00:00Z")).toBe(0);
    expect(compareCursor("b", "a")).toBeGreaterThan(0);
  });

  it("skips older records and committed boundary keys, and tracks the new boundary", () => {
    const t = new IncrementalTracker("u", "id", "5", ["a"]);
    expect(
      [
        { id: "a", u: 5 },
        { id: "b", u: 5 },
        { id: "c", u: 4 },
        { id: "d", u: 7 },
        { id: "e", u: 7 },
      ].map((r) => t.accept(r)),
    ).toEqual([false, true, false, true, true]);
    expect(t.next()).toEqual({ watermark: "7", boundaryKeys: ["d", "e"] });
    expect(t.skipped).toBe(2);
  });
});

describe("http", () => {
  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(retryAfterMs("3", 0)).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs("soon", 0)).toBeUndefined();
  });

  it("redacts query values from URLs in errors", () => {
    expect(redact("https://a.test/x?token=secret&p=2")).toBe("https://a.test/x?token=…&p=…");
  });

  it("backs off exponentially with jitter, capped, and gives up after maxAttempts", async () => {
    const delays: number[] = [];
    const client = new HttpClient({
      maxAttempts: 5,
      baseDelayMs: 1000,
      maxDelayMs: 4000,
      timeoutMs: 1000,
      fetch: (async () => new Response("oops", { status: 502 })) as typeof fetch,
      sleep: async (ms) => {
        delays.push(ms);
      },
      now: () => 0,
      random: () => 1,
      deadline: () => Number.MAX_SAFE_INTEGER,
    });
    await expect(client.getJson("https://a.test/", {})).rejects.toThrow(
      "GET https://a.test/ failed after 5 attempts: HTTP 502",
    );
    expect(delays).toEqual([1000, 2000, 4000, 4000]);
  });
});

describe("settings", () => {
  it("reads dot paths", () => {
    expect(getPath({ a: { b: [1, { c: 2 }] } }, "a.b.1.c")).toBe(2);
    expect(getPath([1], "")).toEqual([1]);
    expect(getPath({ a: 1 }, "a.b")).toBeUndefined();
  });

  it("names every bad field", () => {
    try {
      parseSourceSettings("s", {
        enabled: "yes",
        request: { url: "ftp://x" },
        auth: { type: "none" },
        records: { path: "" },
        pagination: { type: "none" },
        target: { prefix: "/a/" },
      });
      throw new Error("expected refusal");
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidSettingsError);
      expect((e as InvalidSettingsError).problems.map((p) => p.split(":")[0]).sort()).toEqual([
        "enabled",
        "request.url",
        "target.prefix",
      ]);
    }
  });
});
