import { rateLimitWaitMs, rateLimitWindows, resetToMs } from "./rate-limit";

const now = Date.UTC(2026, 10, 28, 12, 0, 0);
const h = (init: Record<string, string>) => new Headers(init);

describe("rate-limit headers", () => {
  it("reads X-RateLimit-Reset as epoch seconds (GitHub), epoch ms, delta seconds or an HTTP date", () => {
    expect(resetToMs(String(now / 1000 + 30), now)).toBe(31_000);
    expect(resetToMs(String(now + 5000), now)).toBe(5000);
    expect(resetToMs("12", now)).toBe(12_000);
    expect(resetToMs(new Date(now + 7000).toUTCString(), now)).toBe(7000);
    expect(resetToMs("soon", now)).toBeUndefined();
  });

  it("waits for the reset of an exhausted X-RateLimit window and not while requests remain", () => {
    const reset = String(now / 1000 + 10);
    expect(rateLimitWaitMs(h({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset }), now)).toEqual({
      waitMs: 11_000,
      header: "x-ratelimit-reset",
    });
    expect(rateLimitWaitMs(h({ "x-ratelimit-remaining": "1", "x-ratelimit-reset": reset }), now).waitMs).toBe(
      0,
    );
    expect(rateLimitWaitMs(h({ "x-ratelimit-remaining": "0" }), now).waitMs).toBe(0);
  });

  it("reads the IETF draft fields: RateLimit-Remaining/-Reset (delta even when large), the dictionary and the r/t list", () => {
    expect(
      rateLimitWaitMs(h({ "ratelimit-remaining": "0", "ratelimit-reset": "2000000000" }), now).waitMs,
    ).toBe(2_000_000_000_000);
    expect(rateLimitWaitMs(h({ "ratelimit-remaining": "0", "ratelimit-reset": "3" }), now).waitMs).toBe(3000);
    expect(rateLimitWaitMs(h({ ratelimit: "limit=100, remaining=0, reset=4" }), now).waitMs).toBe(4000);
    expect(rateLimitWaitMs(h({ ratelimit: '"burst";r=5;t=1, "daily";r=0;t=50' }), now).waitMs).toBe(50_000);
    expect(rateLimitWindows(h({ ratelimit: '"default";r=10;t=30' }), now)).toEqual([
      { remaining: 10, resetInMs: 30_000, header: "ratelimit" },
    ]);
  });

  it("takes the longest wait among exhausted windows and ignores malformed values", () => {
    expect(
      rateLimitWaitMs(
        h({
          ratelimit: '"a";r=0;t=2',
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": "9",
          "ratelimit-remaining": "abc",
        }),
        now,
      ),
    ).toEqual({ waitMs: 9000, header: "x-ratelimit-reset" });
    expect(rateLimitWaitMs(h({ ratelimit: "garbage;;=", "x-ratelimit-reset": "-5" }), now).waitMs).toBe(0);
  });
});
