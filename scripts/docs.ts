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
import type { RenderCheck } from "./docs/browser-check";
import { type Cli, type Flags, HelpRequested, parseCli, UsageError, usageLine } from "./lib/args";
import { TS_FLAGS } from "./lib/ts-flags";

const CLI = {
  command: "npm run docs --",
  summary: "Writes one environment's detailed design document (design.<lang>.md, .html and sections.json).",
  flags: {
    env: { type: "string", description: "environment", required: true, placeholder: "dev|stg|prod" },
    lang: { type: "string", description: "language", default: "ja", choices: ["ja", "en"] },
    out: { type: "string", description: "output folder (default cdktf.out/docs/<env>)", placeholder: "DIR" },
    "synth-dir": {
      type: "string",
      description: "an existing synth output to read (default: synthesize the environment)",
      placeholder: "DIR",
    },
    check: {
      type: "boolean",
      description: "open the HTML in headless Chromium; fail unless every diagram rendered",
    },
    screenshot: {
      type: "string",
      description: "also save a screenshot of the rendered page",
      placeholder: "FILE.png",
    },
  },
} as const satisfies Cli<Flags>;

export interface DocsOptions {
  env: string;
  lang: "ja" | "en";
  out?: string;
  synthDir?: string;
  /** Open the HTML in headless Chromium and fail unless every diagram rendered. */
  check?: boolean;
  screenshot?: string;
}

/** Parses the command line (scripts/lib/args.ts); throws UsageError or HelpRequested. */
export function parseDocsArgs(argv: string[]): DocsOptions {
  const { values: v } = parseCli(CLI, argv);
  if (!/^[a-z][a-z0-9-]*$/.test(v.env)) throw new UsageError(`--env "${v.env}" is not an environment name`);
  return {
    env: v.env,
    lang: v.lang as DocsOptions["lang"],
    out: v.out,
    synthDir: v["synth-dir"],
    check: v.check,
    screenshot: v.screenshot,
  };
}

function synthesize(env: string): string {
  const dir = mkdtempSync(join(tmpdir(), "docs-synth-"));
  const r = spawnSync(process.execPath, [...TS_FLAGS, "main.ts"], {
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
  // Loaded here, not at the top: a usage error or --help answers without the configuration.
  const { checkInBrowser } = require("./docs/browser-check") as typeof import("./docs/browser-check");
  const { checkFacts, curatedFacts } = require("./docs/curated") as typeof import("./docs/curated");
  const { buildDocument, readEnvironmentStacks } =
    require("./docs/generate") as typeof import("./docs/generate");
  const { sectionHashes, toHtml, toMarkdown } = require("./docs/render") as typeof import("./docs/render");
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
  let options: DocsOptions;
  try {
    options = parseDocsArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof HelpRequested) {
      process.stdout.write(e.message);
      process.exit(0);
    }
    if (e instanceof UsageError) {
      console.error(`docs: ${e.message}\n${usageLine(CLI)}\n(--help for every option)`);
      process.exit(2);
    }
    throw e;
  }
  try {
    const started = performance.now();
    const r = generateDocs(options);
    console.log(
      `docs: ${r.sections} sections -> ${r.files.join(", ")} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    if (r.render) console.log(`docs: Chromium rendered ${r.render.rendered}/${r.render.diagrams} diagrams`);
  } catch (e) {
    console.error(`docs: ${(e as Error).message}`);
    process.exit(1);
  }
}
