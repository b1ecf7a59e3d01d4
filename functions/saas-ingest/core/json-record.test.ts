import { isDeepStrictEqual } from "node:util";
import { JsonRecordReader } from "./json-record";

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const STRINGS = [
  "",
  "a",
  'q"uote',
  "back\\slash",
  "é ü 日本",
  "\u2028",
  "\u0001ctl",
  "\ud83d\ude00",
  "updated_at",
  "id",
];
function randomValue(r: () => number, depth: number): unknown {
  const k = r();
  if (depth > 3 || k < 0.45) {
    const s = r();
    if (s < 0.3) return STRINGS[Math.floor(r() * STRINGS.length)];
    if (s < 0.6) return [0, -0, 1.5, -2e-7, 1e21, 123456789012345680, 3][Math.floor(r() * 7)];
    return [true, false, null][Math.floor(r() * 3)];
  }
  if (k < 0.7) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = 0, n = Math.floor(r() * 5); i < n; i++)
    o[
      r() < 0.3 ? ["id", "updated_at", "x"][Math.floor(r() * 3)] : STRINGS[Math.floor(r() * STRINGS.length)]
    ] = randomValue(r, depth + 1);
  return o;
}

/** What JSON.parse says about the same bytes. */
function reference(b: Buffer, fields: string[]) {
  let v: unknown;
  try {
    v = JSON.parse(b.toString("utf8"));
  } catch {
    return { ok: false };
  }
  const isObject = v !== null && typeof v === "object" && !Array.isArray(v);
  return {
    ok: true,
    isObject,
    values: fields.map((f) => (isObject ? (v as Record<string, unknown>)[f] : undefined)),
  };
}

function read(reader: JsonRecordReader, b: Buffer) {
  // inside a larger buffer, to check that offsets are honoured
  const padded = Buffer.concat([Buffer.from('{"x":'), b, Buffer.from("]]")]);
  const ok = reader.read(padded, 5, 5 + b.length);
  if (!ok) return { ok: false };
  return {
    ok: true,
    isObject: reader.isObject,
    values: reader.fields.map((_, i) => (reader.isObject ? reader.value(i) : undefined)),
  };
}

describe("JsonRecordReader", () => {
  const fields = ["id", "updated_at", "é ü 日本"];
  const reader = new JsonRecordReader(fields);

  it("accepts exactly what JSON.parse accepts and reads the same top-level values (fuzzed, with mutations)", () => {
    const r = rng(14);
    const alphabet = Buffer.from(' \t\n\r{}[]":,\\-+.eE0123456789tfnulrsaxu/b\u0000\u001f\u007f');
    let checked = 0;
    let invalid = 0;
    // Compared in plain code (strict: -0 is not 0), asserted once: an expect() per case cost seconds.
    const differ: [string, unknown, unknown][] = [];
    for (let round = 0; round < 8000; round++) {
      const value =
        round % 2 === 0 ? { id: randomValue(r, 1), ...(randomValue(r, 0) as object) } : randomValue(r, 0);
      let text = JSON.stringify(value, null, round % 5 === 0 ? 1 : undefined) ?? "null";
      if (round % 7 === 0) text = text.replace(/"id"/g, '"\\u0069d"');
      let b = Buffer.from(text);
      if (round % 3 !== 0) {
        // mutate: replace, insert or delete bytes, or cut the end
        const m = Buffer.from(b);
        const parts = [m];
        const op = r();
        const at = Math.floor(r() * (b.length + 1));
        const byte = alphabet[Math.floor(r() * alphabet.length)];
        if (op < 0.4 && b.length > 0) m[Math.min(at, b.length - 1)] = byte;
        else if (op < 0.7) parts.splice(0, 1, m.subarray(0, at), Buffer.from([byte]), m.subarray(at));
        else if (op < 0.9) parts.splice(0, 1, m.subarray(0, at), m.subarray(Math.min(b.length, at + 1)));
        else parts.splice(0, 1, m.subarray(0, at));
        b = Buffer.concat(parts);
      }
      const want = reference(b, fields);
      const got = read(reader, b);
      if (!isDeepStrictEqual(got, want)) differ.push([b.toString("utf8"), got, want]);
      checked++;
      if (!want.ok) invalid++;
    }
    expect(differ.slice(0, 5)).toEqual([]);
    expect(invalid).toBeGreaterThan(checked / 10);
  });

  it("keeps the last of repeated keys, reads escaped keys, nested and empty values", () => {
    const b = Buffer.from(
      '{"id":1,"\\u0069d":{"a":[1,{"id":9}]},"updated_at":"2025-01-01T00:00:00Z","id":[] ,"updated_at":"a\\"b"}',
    );
    expect(reader.read(b, 0, b.length)).toBe(true);
    expect(reader.isObject).toBe(true);
    expect([reader.value(0), reader.value(1), reader.value(2)]).toEqual([[], 'a"b', undefined]);
  });

  it("refuses what JSON.parse refuses, at the edges", () => {
    for (const bad of [
      '{"a":1,}',
      "[1,]",
      "01",
      "1.",
      ".5",
      "1e",
      "-",
      '"\\x"',
      '"\\u12g4"',
      "tru",
      "nul",
      '{"a" 1}',
      "{1:2}",
      "[1 2]",
      '"a',
      "",
      " ",
      '"\t"',
      "1 2",
    ])
      expect([bad, reader.read(Buffer.from(bad), 0, Buffer.byteLength(bad))]).toEqual([bad, false]);
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expect(reader.read(Buffer.from(deep), 0, deep.length)).toBe(true);
  });
});
