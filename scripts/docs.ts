/**
 * `npm run docs -- --env <env> [--lang ja|en] [--out DIR] [--synth-dir DIR]`
 *
 * Writes the detailed design document (詳細設計書) of one environment to `cdktf.out/docs/<env>/`:
 * `design.<lang>.md` (GitHub renders its Mermaid diagrams), `design.<lang>.html` (one file, styles
 * and Mermaid inlined) and `sections.json` (a hash per section, for "which sections changed").
 * Synthesizes the environment first (into a temporary folder, removed afterwards) unless
 * `--synth-dir` names an existing synth output.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { checkInBrowser, type RenderCheck } from "./docs/browser-check";
import { checkFacts, curatedFacts } from "./docs/curated";
import { buildDocument, readEnvironmentStacks } from "./docs/generate";
import { sectionHashes, toHtml, toMarkdown } from "./docs/render";

const USAGE =
  "usage: npm run docs -- --env <dev|stg|prod> [--lang ja|en] [--out DIR] [--synth-dir DIR] [--check] [--screenshot FILE.png]";

export interface DocsOptions {
  env: string;
  lang: "ja" | "en";
  out?: string;
  synthDir?: string;
  /** Open the HTML in headless Chromium and fail unless every diagram rendered. */
  check?: boolean;
  screenshot?: string;
}

export function parseDocsArgs(argv: string[]): DocsOptions {
  const o: Partial<DocsOptions> = { lang: "ja" };
  const known: Record<string, keyof DocsOptions> = {
    "--env": "env",
    "--lang": "lang",
    "--out": "out",
    "--synth-dir": "synthDir",
    "--screenshot": "screenshot",
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inlineValue] = argv[i].split(/=(.*)/s, 2);
    if (flag === "--help" || flag === "-h") throw new UsageError("");
    if (flag === "--check" && inlineValue === undefined) {
      o.check = true;
      continue;
    }
    const key = known[flag];
    if (!key) throw new UsageError(`unknown argument "${argv[i]}"`);
    const value = inlineValue ?? argv[++i];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    (o as Record<string, string>)[key] = value;
  }
  if (!o.env) throw new UsageError("--env is required");
  if (!/^[a-z][a-z0-9-]*$/.test(o.env)) throw new UsageError(`--env "${o.env}" is not an environment name`);
  if (o.lang !== "ja" && o.lang !== "en") throw new UsageError(`--lang must be ja or en (got "${o.lang}")`);
  return o as DocsOptions;
}

export class UsageError extends Error {}

function synthesize(env: string): string {
  const dir = mkdtempSync(join(tmpdir(), "docs-synth-"));
  const r = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
    cwd: resolve(__dirname, ".."),
    env: { ...process.env, STACK_ENV: env, CDKTF_OUTDIR: dir, CHECKPOINT_DISABLE: "1" },
    encoding: "utf8",
  });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`synth of ${env} failed:\n${r.stderr || r.stdout}`);
  }
  return dir;
}

export function generateDocs(o: DocsOptions): {
  dir: string;
  files: string[];
  sections: number;
  render?: RenderCheck;
} {
  const synthDir = o.synthDir ?? synthesize(o.env);
  try {
    const stacks = readEnvironmentStacks(synthDir, o.env);
    const doc = buildDocument(
      { env: o.env, ...stacks, curated: curatedFacts(), checks: checkFacts() },
      o.lang,
    );
    const dir = o.out ?? join("cdktf.out", "docs", o.env);
    mkdirSync(dir, { recursive: true });
    const mermaid = readFileSync(require.resolve("mermaid/dist/mermaid.min.js"), "utf8");
    const files = [
      join(dir, `design.${o.lang}.md`),
      join(dir, `design.${o.lang}.html`),
      join(dir, "sections.json"),
    ];
    writeFileSync(files[0], toMarkdown(doc));
    writeFileSync(files[1], toHtml(doc, mermaid));
    writeFileSync(files[2], `${JSON.stringify(sectionHashes(doc), null, 2)}\n`);
    const render = o.check || o.screenshot ? checkInBrowser(files[1], undefined, o.screenshot) : undefined;
    if (render?.errors.length)
      throw new Error(`the HTML did not render in Chromium:\n  ${render.errors.join("\n  ")}`);
    return { dir, files, sections: doc.sections.length, render };
  } finally {
    if (!o.synthDir) rmSync(synthDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  try {
    const started = performance.now();
    const r = generateDocs(parseDocsArgs(process.argv.slice(2)));
    console.log(
      `docs: ${r.sections} sections -> ${r.files.join(", ")} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    if (r.render) console.log(`docs: Chromium rendered ${r.render.rendered}/${r.render.diagrams} diagrams`);
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message) console.error(`docs: ${e.message}`);
      console.error(USAGE);
      process.exit(e.message ? 2 : 0);
    }
    console.error(`docs: ${(e as Error).message}`);
    process.exit(1);
  }
}
