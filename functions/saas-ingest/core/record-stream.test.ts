import { eachRecord, IncompleteBodyError, RecordSplitter } from "./record-stream";

/** Small deterministic PRNG (tests must not be flaky). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomValue(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 2 ? 4 : 6));
  if (k === 0) return Math.floor(r() * 1e6) / (r() < 0.5 ? 1 : 7);
  if (k === 1) return r() < 0.3 ? null : r() < 0.5;
  if (k === 2 || k === 3) {
    const parts = [
      '"',
      "\\",
      "\\\\",
      "x",
      "é",
      "日本",
      "\n",
      "\t",
      "}",
      "]",
      "{",
      "[",
      ",",
      ":",
      "\u2028",
      '\\"',
    ];
    let s = "";
    for (let i = 0, n = Math.floor(r() * 8); i < n; i++) s += parts[Math.floor(r() * parts.length)];
    return s;
  }
  if (k === 4) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = 0, n = Math.floor(r() * 4); i < n; i++)
    o[`k${i}${r() < 0.2 ? '"\\' : ""}`] = randomValue(r, depth + 1);
  return o;
}

function split(text: string, path: string, sizes: () => number) {
  const got: unknown[] = [];
  const s = new RecordSplitter(
    path,
    eachRecord((b) => got.push(JSON.parse(b.toString("utf8")))),
  );
  const buf = Buffer.from(text);
  for (let i = 0; i < buf.length; ) {
    const n = Math.max(1, sizes());
    s.push(buf.subarray(i, i + n));
    i += n;
  }
  return { got, envelope: JSON.parse(s.end()), found: s.foundRecords, count: s.count };
}

describe("RecordSplitter", () => {
  it("emits every record of the array at the path, whatever the chunking, and keeps the rest as the envelope (fuzzed)", () => {
    const r = rng(42);
    for (let round = 0; round < 300; round++) {
      const records = Array.from({ length: Math.floor(r() * 12) }, () =>
        r() < 0.8 ? { id: round, v: randomValue(r, 0) } : randomValue(r, 0),
      );
      const doc = {
        before: randomValue(r, 1),
        'da"ta': 1,
        meta: { next: 'c\\"1', arr: [[1], { data: [9] }] },
        data: records,
        after: [randomValue(r, 1)],
      };
      const text = JSON.stringify(doc, null, round % 3 === 0 ? 2 : undefined);
      const chunk = round % 2 === 0 ? () => 1 + Math.floor(r() * 7) : () => 1 + Math.floor(r() * 200);
      const { got, envelope, found } = split(text, "data", chunk);
      expect(got).toEqual(records);
      expect(found).toBe(true);
      expect(envelope).toEqual({ ...doc, data: [] });
    }
  });

  it("hands over batches that one JSON.parse reads: the records of a chunk, separated by commas and whitespace only (fuzzed)", () => {
    const r = rng(7);
    for (let round = 0; round < 200; round++) {
      const records = Array.from({ length: Math.floor(r() * 40) }, () => ({ v: randomValue(r, 0) }));
      const buf = Buffer.from(JSON.stringify({ data: records }, null, round % 2 === 0 ? 1 : undefined));
      const got: unknown[] = [];
      let batches = 0;
      const s = new RecordSplitter("data", (b, starts, ends, count, first) => {
        expect(first).toBe(got.length);
        got.push(...(JSON.parse(`[${b.toString("utf8", starts[0], ends[count - 1])}]`) as unknown[]));
        batches++;
      });
      const size = 1 + Math.floor(r() * 300);
      for (let i = 0; i < buf.length; i += size) s.push(buf.subarray(i, i + size));
      s.end();
      expect(got).toEqual(records);
      if (records.length > 0)
        expect(batches).toBeLessThanOrEqual(Math.min(records.length, Math.ceil(buf.length / size) * 2));
    }
  });

  it("reads a body that is the array itself, and nested paths", () => {
    expect(split(' [ {"a":1} , 2 ,"x", null ,[3] ] ', "", () => 3).got).toEqual([
      { a: 1 },
      2,
      "x",
      null,
      [3],
    ]);
    const nested = split('{"a":{"b":{"items":[{"i":1},{"i":2}]},"c":3}}', "a.b.items", () => 5);
    expect(nested.got).toEqual([{ i: 1 }, { i: 2 }]);
    expect(nested.envelope).toEqual({ a: { b: { items: [] }, c: 3 } });
  });

  it("reports a body that ended early, and a path that names no array", () => {
    expect(() => split('{"data":[{"id":"r1","upd', "data", () => 4)).toThrow(IncompleteBodyError);
    const missing = split('{"data":{"x":1}}', "data", () => 4);
    expect(missing.found).toBe(false);
    expect(missing.got).toEqual([]);
  });

  it("keeps the envelope bounded", () => {
    const s = new RecordSplitter("data", () => undefined, 100);
    expect(() => s.push(Buffer.from(`{"other":[${"1,".repeat(200)}1],"data":[]}`))).toThrow(
      /larger than 100 bytes/,
    );
  });
});
