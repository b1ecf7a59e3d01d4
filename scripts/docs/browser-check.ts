/**
 * Opens a generated design document in real headless Chromium and checks that every Mermaid
 * diagram rendered to an SVG (no error diagram). Used by `npm run docs -- --check` and its test.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const CHROMIUM_CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
];

export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p));
}

export interface RenderCheck {
  diagrams: number;
  rendered: number;
  errors: string[];
}

/** What a rendered DOM says about its diagrams. */
export function inspectDom(dom: string): RenderCheck {
  const status = /<body[^>]*data-mermaid="([^"]*)"/.exec(dom)?.[1];
  const blocks = [...dom.matchAll(/<pre class="mermaid"[^>]*>([\s\S]*?)<\/pre>/g)].map((m) => m[1]);
  const errors: string[] = [];
  if (status === undefined) errors.push("Mermaid never finished (no data-mermaid mark on <body>)");
  else if (status !== "done") errors.push(`Mermaid failed: ${status}`);
  let rendered = 0;
  blocks.forEach((b, i) => {
    if (/aria-roledescription="error"/.test(b) || /Syntax error in text/.test(b))
      errors.push(`diagram ${i + 1}: syntax error`);
    else if (/<svg[\s>]/.test(b)) rendered++;
    else errors.push(`diagram ${i + 1}: not rendered`);
  });
  return { diagrams: blocks.length, rendered, errors };
}

/** Renders `htmlFile` headless (no network, fresh profile) and inspects the result. */
export function checkInBrowser(
  htmlFile: string,
  chromium = findChromium(),
  screenshot?: string,
): RenderCheck {
  if (!chromium) throw new Error("no Chromium found: apt-get install chromium (or set CHROMIUM_PATH)");
  const profile = mkdtempSync(join(tmpdir(), "docs-chromium-"));
  const flags = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    `--user-data-dir=${profile}`,
    "--virtual-time-budget=30000",
  ];
  try {
    const url = pathToFileURL(htmlFile).href;
    const r = spawnSync(chromium, [...flags, "--dump-dom", url], {
      encoding: "utf8",
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`chromium exited ${r.status}: ${r.stderr?.slice(-500)}`);
    if (screenshot)
      spawnSync(chromium, [...flags, `--screenshot=${screenshot}`, "--window-size=1280,2400", url], {
        timeout: 120_000,
      });
    return inspectDom(r.stdout);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
