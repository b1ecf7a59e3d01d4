import type { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { type FetchContext, type FetchStats, fetchAll } from "./fetch-loop";
import type { PageResponse, PageSink } from "./http";
import { IncrementalTracker } from "./incremental";
import { OriginPolicy } from "./origin";
import type { ObjectStore } from "./ports";
import { IncompleteBodyError } from "./record-stream";
import { parseSourceSettings } from "./settings";
import type { SourceClient } from "./source-client";
import { RotatingGzipWriter } from "./writer";

const URL0 = "https://api.test/items";

/** Serves one body per URL, streamed into the sink in chunks of `chunk` bytes. */
function fakeSource(bodies: Record<string, string>, chunk: number): SourceClient {
  return {
    async getPage<T>(url: string, sink: PageSink<T>): Promise<PageResponse<T>> {
      const body = Buffer.from(bodies[url] ?? "[]");
      sink.begin();
      try {
        for (let i = 0; i < body.length; i += chunk) await sink.write(body.subarray(i, i + chunk));
        return { result: await sink.end(), headers: new Headers(), status: 200, bytes: body.length, url };
      } catch (e) {
        sink.abort();
        throw e;
      }
    },
  } as unknown as SourceClient;
}

function memoryStore() {
  const objects = new Map<string, Buffer>();
  const store = {
    async upload(key: string, body: Readable) {
      const parts: Buffer[] = [];
      for await (const c of body) parts.push(c as Buffer);
      objects.set(key, Buffer.concat(parts));
      return { key, bytes: objects.get(key)!.length };
    },
    async delete() {},
  } as unknown as ObjectStore;
  return { store, objects };
}

async function ingest(
  body: string,
  chunk: number,
  extra: Record<string, unknown> = {},
  committed: { watermark?: string; keys: Set<string> } = { keys: new Set() },
) {
  const cfg = parseSourceSettings("s", {
    enabled: true,
    request: { url: URL0 },
    auth: { type: "none" },
    records: { path: "data" },
    pagination: { type: "none" },
    target: { prefix: "p" },
    ...extra,
  });
  const { store, objects } = memoryStore();
  const writer = new RotatingGzipWriter(store, (i) => `f${i}`, 1e9, 1);
  const tracker = cfg.incremental
    ? new IncrementalTracker(
        { ...cfg.incremental, primaryKey: cfg.primaryKey!, onBadCursor: cfg.incremental.onBadCursor },
        committed,
      )
    : undefined;
  const ctx: FetchContext = {
    cfg,
    source: fakeSource({ [URL0]: body }, chunk),
    policy: new OriginPolicy(URL0),
    writer,
    tracker,
    checkpoint: () => undefined,
  };
  const stats: FetchStats = { pages: 0, records: 0, httpBytes: 0 };
  await fetchAll(ctx, stats);
  const files = await writer.close();
  const lines = files.flatMap((f) => gunzipSync(objects.get(f.key)!).toString("utf8").split("\n"));
  return { stats, lines: lines.filter((l) => l !== "") };
}

const records = Array.from({ length: 300 }, (_, i) => ({
  id: `r${i}`,
  updated_at: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
  note: i % 7 === 0 ? 'quote " and \\ and é and \u2028' : "plain",
  nested: { a: [i, { b: "}]" }] },
}));

describe("fetchAll", () => {
  it.each([1, 7, 64, 4096, 1 << 20])(
    "writes every record once, unchanged, one per line, whatever the chunking (%i-byte chunks)",
    async (chunk) => {
      const body = JSON.stringify({ data: records, meta: { n: 1 } });
      const { stats, lines } = await ingest(body, chunk);
      expect(stats.records).toBe(300);
      expect(lines).toEqual(records.map((r) => JSON.stringify(r)));
    },
  );

  it("writes pretty-printed records on one line each (line breaks inside become spaces)", async () => {
    const body = JSON.stringify({ data: records.slice(0, 20) }, null, 2).replace(/\n/g, "\r\n");
    for (const chunk of [5, 300, 1 << 20]) {
      const { lines } = await ingest(body, chunk);
      expect(lines.map((l) => JSON.parse(l))).toEqual(records.slice(0, 20));
      expect(lines.every((l) => !l.includes("\r"))).toBe(true);
    }
  });

  it("names a record that is not valid JSON, in the middle of a chunk", async () => {
    const body = `{"data":[{"id":1},{"id":2},{"id":tru},{"id":4}]}`;
    await expect(ingest(body, 1 << 20)).rejects.toThrow(
      new IncompleteBodyError("record 2 of page 1 is not valid JSON"),
    );
  });

  const incremental = {
    incremental: {
      cursorField: "updated_at",
      cursorType: "timestamp",
      param: "since",
      initial: "2025-01-01T00:00:00Z",
    },
    primaryKey: "id",
  };

  it("skips records before the watermark and committed boundary keys, a chunk at a time", async () => {
    const committed = { watermark: records[9].updated_at, keys: new Set(["r9"]) };
    const { stats, lines } = await ingest(
      JSON.stringify({ data: records.slice(0, 50) }),
      512,
      incremental,
      committed,
    );
    expect(stats.records).toBe(40);
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(records.slice(10, 50).map((r) => r.id));
  });

  it("a bad cursor in the middle of a chunk fails the run naming the record", async () => {
    const bad = records.slice(0, 30).map((r, i) => (i === 17 ? { ...r, updated_at: "N/A" } : r));
    await expect(ingest(JSON.stringify({ data: bad }), 1 << 20, incremental)).rejects.toThrow(
      /id="r17" \(page 1 \(https:\/\/api.test\/items\), record 17\) is "N\/A"/,
    );
  });
});
