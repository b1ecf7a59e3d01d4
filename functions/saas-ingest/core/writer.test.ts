import type { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import type { ObjectStore } from "./ports";
import { RotatingGzipWriter } from "./writer";

/** In-memory ObjectStore; `failUpload` makes uploads reject without reading their body. */
function memoryStore(failUpload = false) {
  const objects = new Map<string, Buffer>();
  const store: ObjectStore = {
    async upload(key, body: Readable) {
      if (failUpload) throw new Error("S3 is down");
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c as Buffer);
      objects.set(key, Buffer.concat(chunks));
      return { key, bytes: objects.get(key)!.length };
    },
    async copy(a, b) {
      objects.set(b, objects.get(a)!);
    },
    async put(key, body) {
      objects.set(key, Buffer.from(body));
    },
    async delete(keys) {
      for (const k of keys) objects.delete(k);
    },
    async exists(key) {
      return objects.has(key);
    },
  };
  return { store, objects };
}

const rec = (i: number) => Buffer.from(JSON.stringify({ id: i, pad: "x".repeat(200) }));

async function page(w: RotatingGzipWriter, from: number, n: number) {
  w.beginPage();
  for (let i = from; i < from + n; i++) w.add(rec(i));
  await w.flush();
  await w.commitPage(n);
}

describe("RotatingGzipWriter", () => {
  it("rotates by uncompressed size and reports records, sizes and checksums per file", async () => {
    const { store, objects } = memoryStore();
    const w = new RotatingGzipWriter(store, (i) => `f${i}.jsonl.gz`, 10_000);
    for (let p = 0; p < 10; p++) await page(w, p * 20, 20);
    const files = await w.close();
    expect(files.length).toBeGreaterThan(2);
    expect(files.reduce((a, f) => a + f.records, 0)).toBe(200);
    const all = files.flatMap((f) => gunzipSync(objects.get(f.key)!).toString().split("\n").filter(Boolean));
    expect(all.map((l) => JSON.parse(l).id)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it("an aborted page leaves nothing in the file; pages are separate gzip members of one valid file", async () => {
    const { store, objects } = memoryStore();
    const w = new RotatingGzipWriter(store, (i) => `f${i}.jsonl.gz`, 1e9);
    await page(w, 0, 3);
    w.beginPage();
    w.add(rec(100));
    await w.flush(true);
    w.abortPage();
    await page(w, 3, 2);
    const files = await w.close();
    expect(files).toHaveLength(1);
    expect(files[0].records).toBe(5);
    const lines = gunzipSync(objects.get(files[0].key)!).toString().split("\n").filter(Boolean);
    expect(lines.map((l) => JSON.parse(l).id)).toEqual([0, 1, 2, 3, 4]);
  });

  it("addRun writes a run of records one byte apart exactly as add does record by record, across batches", async () => {
    const records = Array.from({ length: 6000 }, (_, i) => rec(i));
    const body = Buffer.from(` ${records.map((r) => r.toString()).join(",")}  `);
    const starts: number[] = [];
    const ends: number[] = [];
    let at = 1;
    for (const r of records) {
      starts.push(at);
      ends.push(at + r.length);
      at += r.length + 1;
    }
    const out = async (write: (w: RotatingGzipWriter) => void) => {
      const { store, objects } = memoryStore();
      const w = new RotatingGzipWriter(store, (i) => `f${i}`, 1e9, 1);
      w.beginPage();
      write(w);
      await w.commitPage(records.length);
      const [file] = await w.close();
      return gunzipSync(objects.get(file.key)!).toString();
    };
    const one = await out((w) => {
      for (let k = 0; k < records.length; k++) w.add(body, starts[k], ends[k]);
    });
    const runs = await out((w) => {
      for (let k = 0; k < records.length; k += 1500)
        w.addRun(body, starts, ends, k, Math.min(records.length, k + 1500));
    });
    expect(runs).toBe(one);
    expect(one.split("\n")).toHaveLength(records.length + 1);
  });

  it("rejects (never hangs) when the upload fails mid-write, and abort removes what was started", async () => {
    const { store, objects } = memoryStore(true);
    const w = new RotatingGzipWriter(store, (i) => `f${i}.jsonl.gz`, 1e9, 0);
    await expect(
      (async () => {
        for (let i = 0; i < 50; i++) await page(w, i * 5000, 5000);
        await w.close();
      })(),
    ).rejects.toThrow("S3 is down");
    await w.abort();
    expect([...objects.keys()]).toEqual([]);
  });
});
