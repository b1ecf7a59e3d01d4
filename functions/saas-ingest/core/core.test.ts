import { HttpClient, redact, retryAfterMs } from "./http";
import { compareCursor, IncrementalTracker, parseCursor, utcSeconds } from "./incremental";
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

  it("ends page paging on an empty page; offset paging advances by the records received and ends on an empty page or the declared total", () => {
    const h = new Headers();
    const page = { type: "page" as const, param: "page", start: 1 };
    expect(firstPageParams(page)).toEqual({ page: "1" });
    expect(nextPage(page, "https://a.test/?page=4", [], h, 3)).toBe("https://a.test/?page=5");
    expect(nextPage(page, "https://a.test/?page=4", [], h, 0)).toBeUndefined();
    const offset = { type: "offset" as const, param: "o", limitParam: "l", limit: 10 };
    expect(nextPage(offset, "https://a.test/?o=20&l=10", [], h, 10)).toBe("https://a.test/?o=30&l=10");
    // A short page (the API capped limit) does not end the run: issue #14 case 6.
    expect(nextPage(offset, "https://a.test/?o=20&l=10", [], h, 9)).toBe("https://a.test/?o=29&l=10");
    expect(nextPage(offset, "https://a.test/?o=20&l=10", [], h, 0)).toBeUndefined();
    const total = { ...offset, totalPath: "meta.total" };
    expect(nextPage(total, "https://a.test/?o=20&l=10", { meta: { total: 29 } }, h, 9)).toBeUndefined();
    expect(nextPage(total, "https://a.test/?o=20&l=10", { meta: { total: 30 } }, h, 9)).toBe(
      "https://a.test/?o=29&l=10",
    );
  });
});

describe("incremental", () => {
  it("compares cursors as their declared type: numbers, ISO instants, strings", () => {
    expect(compareCursor("number", "10", "9")).toBeGreaterThan(0);
    expect(compareCursor("string", "10", "9")).toBeLessThan(0);
    expect(compareCursor("timestamp", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00.000Z")).toBe(0);
    expect(compareCursor("timestamp", "2025-01-01T09:00:00+09:00", "2025-01-01T00:00:00Z")).toBe(0);
    expect(compareCursor("string", "b", "a")).toBeGreaterThan(0);
    expect(parseCursor("timestamp", "N/A")).toBeUndefined();
    expect(parseCursor("timestamp", "2025-13-45")).toBeUndefined();
    expect(parseCursor("number", "")).toBeUndefined();
    expect(parseCursor("number", "1e3")).toBe(1000);
    expect(parseCursor("string", { a: 1 })).toBeUndefined();
  });

  it("reads the common UTC shapes without a regex, to the same instant Date.parse gives, and leaves the rest to it", () => {
    const pad = (n: number, w = 2) => String(n).padStart(w, "0");
    let x = 12345;
    const next = (m: number) => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x % m;
    };
    // Compared in plain code, asserted once: an expect() per case cost seconds.
    const differ: [string, unknown, unknown][] = [];
    let refused = 0;
    for (let i = 0; i < 20_000; i++) {
      const frac = next(2) === 0 ? "" : `.${pad(next(1000), 3)}`;
      // out-of-range fields included (month 13, day 32, hour 24, minute 60): both must refuse them alike
      const s = `${pad(next(10_000), 4)}-${pad(next(14))}-${pad(next(33))}T${pad(next(26))}:${pad(next(62))}:${pad(next(62))}${frac}Z`;
      const t = Date.parse(s);
      const want = Number.isNaN(t) ? undefined : t;
      const got = parseCursor("timestamp", s);
      if (!Object.is(got, want)) differ.push([s, got, want]);
      if (want === undefined) refused++;
    }
    expect(differ.slice(0, 5)).toEqual([]);
    // Both kinds of case are exercised.
    expect(refused).toBeGreaterThan(1000);
    expect(refused).toBeLessThan(19_000);
    expect(utcSeconds("2025-02-29T10:00:00Z")).toBe(Date.parse("2025-02-29T10:00:00Z"));
    expect(utcSeconds("2025-01-01T09:00:00+09:00")).toBeUndefined();
    expect(utcSeconds("2025-01-01 00:00:00.000Z")).toBeUndefined();
    expect(utcSeconds("2025-01-01T00:00:00.1234")).toBeUndefined();
  });

  const opts = {
    cursorField: "u",
    cursorType: "number" as const,
    primaryKey: "id",
    onBadCursor: "fail" as const,
  };

  it("skips older records and committed boundary keys, and tracks the new boundary", () => {
    const t = new IncrementalTracker(opts, { watermark: "5", keys: new Set(["a"]) });
    expect(
      [
        { id: "a", u: 5 },
        { id: "b", u: 5 },
        { id: "c", u: 4 },
        { id: "d", u: 7 },
        { id: "e", u: "7" },
      ].map((r) => t.accept(r, () => "test")),
    ).toEqual([false, true, false, true, true]);
    t.commitPage();
    expect(t.next()).toEqual({ watermark: "7", boundaryKeys: ["d", "e"] });
    expect(t.skipped).toBe(2);
  });

  it("a bad cursor fails naming the record's key and value, or is skipped and counted; it never becomes the watermark (issue #14 case 2)", () => {
    const t = new IncrementalTracker({ ...opts, cursorType: "timestamp" }, { keys: new Set() });
    expect(t.accept({ id: "a", u: "2025-01-01T00:00:00Z" }, () => "page 1, record 0")).toBe(true);
    expect(() => t.accept({ id: "x9", u: "N/A" }, () => "page 1, record 1")).toThrow(
      /incremental.cursorField "u" of the record with id="x9" \(page 1, record 1\) is "N\/A", not a timestamp/,
    );
    expect(() => t.accept({ id: "x10" }, () => "page 1, record 2")).toThrow(/is missing/);
    const skip = new IncrementalTracker(
      { ...opts, cursorType: "timestamp", onBadCursor: "skip" },
      { keys: new Set() },
    );
    expect(skip.accept({ id: "a", u: "2025-01-01T00:00:00Z" }, () => "r")).toBe(true);
    expect(skip.accept({ id: "b", u: "N/A" }, () => "r")).toBe(false);
    expect(skip.accept({ id: "c", u: "zzzz" }, () => "r")).toBe(false);
    skip.commitPage();
    expect(skip.badCursor).toBe(2);
    expect(skip.next().watermark).toBe("2025-01-01T00:00:00Z");
  });

  it("a rolled-back page (retried after a truncated body) is counted once", () => {
    const t = new IncrementalTracker(opts, { keys: new Set() });
    t.accept({ id: "a", u: 9 }, () => "r");
    t.rollbackPage();
    t.accept({ id: "b", u: 3 }, () => "r");
    t.commitPage();
    expect(t.next()).toEqual({ watermark: "3", boundaryKeys: ["b"] });
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
