import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BundleOptions, bundleFunction, forgetBundles } from "./build";
import { crc32, zipDeterministic } from "./zip";

let work: string;
let opts: BundleOptions;
const fn = () => join(opts.functionsDir!, "hello");

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "dp-build-test-"));
  opts = { functionsDir: join(work, "functions"), buildRoot: join(work, ".build") };
  mkdirSync(fn(), { recursive: true });
  writeFileSync(join(fn(), "greeting.ts"), 'export const greeting = "hello";\n');
  writeFileSync(
    join(fn(), "handler.ts"),
    'import { greeting } from "./greeting";\nexport const handler = async () => greeting;\n',
  );
  forgetBundles();
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** A fresh process would see only the disk: forget this one's memo before each call. */
const bundle = (extra: BundleOptions = {}) => {
  forgetBundles();
  return bundleFunction("hello", { ...opts, ...extra });
};

describe("bundleFunction", () => {
  it("bundles once, then reuses the bundle while no input changed", () => {
    const first = bundle();
    expect(first.cached).toBe(false);
    const again = bundle();
    expect(again).toEqual({ ...first, cached: true });
    // Inside one process the first answer is kept without touching the disk.
    expect(bundleFunction("hello", opts)).toBe(bundleFunction("hello", opts));
  });

  it("rebuilds when a file the handler imports changes, and the package hash follows", () => {
    const first = bundle();
    writeFileSync(join(fn(), "greeting.ts"), 'export const greeting = "bonjour";\n');
    const second = bundle();
    expect(second.cached).toBe(false);
    expect(second.sha256).not.toBe(first.sha256);
    expect(readFileSync(join(second.dir, "index.js"), "utf8")).toContain("bonjour");
  });

  it("rebuilds when an output was edited or deleted, or when forced", () => {
    const first = bundle();
    writeFileSync(join(first.dir, "index.js"), "tampered");
    expect(bundle()).toEqual({ ...first, cached: false });
    rmSync(first.zip);
    expect(bundle().cached).toBe(false);
    expect(bundle({ force: true }).cached).toBe(false);
  });

  it("gives byte-identical packages on rebuild (source_code_hash changes only with the code)", () => {
    const first = bundle();
    const zip1 = readFileSync(first.zip);
    rmSync(opts.buildRoot!, { recursive: true });
    const second = bundle();
    expect(second.cached).toBe(false);
    expect(readFileSync(second.zip).equals(zip1)).toBe(true);
    expect(second.sourceCodeHash).toBe(Buffer.from(second.sha256, "hex").toString("base64"));
  });

  it("packs index.js and its map into a zip that unzip reads, and the handler runs from it", () => {
    const b = bundle();
    const out = join(work, "unzipped");
    const r = spawnSync("unzip", ["-o", b.zip, "-d", out], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(readFileSync(join(out, "index.js")).equals(readFileSync(join(b.dir, "index.js")))).toBe(true);
    const run = spawnSync(
      process.execPath,
      [
        "-e",
        `require(${JSON.stringify(join(out, "index.js"))}).handler().then((v) => process.stdout.write(v))`,
      ],
      { encoding: "utf8" },
    );
    expect(run.stdout).toBe("hello");
  });

  it("names what is wrong: a bad function name, a missing entry", () => {
    expect(() => bundleFunction("../etc", opts)).toThrow('name "../etc" must be a folder under functions/');
    expect(() => bundleFunction("hello", { ...opts, entry: "nope.ts" })).toThrow("nope.ts does not exist");
  });
});

describe("zipDeterministic", () => {
  it("computes the standard CRC-32", () => {
    expect(crc32(Buffer.from("123456789")).toString(16)).toBe("cbf43926");
  });

  it("sorts entries and refuses unsafe or duplicate names", () => {
    const a = zipDeterministic([
      { name: "b", data: Buffer.from("2") },
      { name: "a", data: Buffer.from("1") },
    ]);
    const b = zipDeterministic([
      { name: "a", data: Buffer.from("1") },
      { name: "b", data: Buffer.from("2") },
    ]);
    expect(a.equals(b)).toBe(true);
    for (const name of ["../x", "/abs", "a\\b", ""]) {
      expect(() => zipDeterministic([{ name, data: Buffer.alloc(0) }])).toThrow("must be a relative");
    }
    expect(() =>
      zipDeterministic([
        { name: "a", data: Buffer.alloc(0) },
        { name: "a", data: Buffer.alloc(0) },
      ]),
    ).toThrow('duplicate entry "a"');
  });
});
