import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { loadAppConfig, loadListOnly } from "../../config";
import { environments } from "../../config/environments";
import { loadEnvironments } from "../../config/load";
import { sources as sourceList } from "../../config/sources";

const sources = [...loadListOnly(sourceList)];

const { bigquery } = loadAppConfig({}).lists;

import { AwsStack } from "../../stacks/aws-stack";
import { GcpStack } from "../../stacks/gcp-stack";
import { checkInBrowser, findChromium, inspectDom } from "./browser-check";
import { dailyTime, describeSchedule } from "./cron";
import { checkFacts, curatedFacts } from "./curated";
import { changedSections, designChangeLine } from "./diff";
import { buildDocument } from "./generate";
import type { DesignDocument } from "./model";
import { sectionHashes, toHtml, toMarkdown } from "./render";
import { maskSecrets, unmarshal } from "./sections";
import { TfStack } from "./tf";

const dev = loadEnvironments(structuredClone(environments)).find((e) => e.name === "dev")!;
type Sources = typeof sources;

const synthAws = (srcs: Sources) =>
  new TfStack(
    "dp-aws-dev",
    JSON.parse(
      Testing.synth(new AwsStack(Testing.app(), "dp-aws-dev", { env: dev, sources: srcs, bigquery })),
    ),
  );
let gcp: TfStack;
let awsBase: TfStack;
/** The document of dev with `srcs` (the GCP stack does not depend on sources: synthesized once). */
function documentFor(srcs: Sources | undefined, lang: "ja" | "en" = "en"): DesignDocument {
  return buildDocument({ env: "dev", aws: srcs ? synthAws(srcs) : awsBase, gcp }, lang);
}
const section = (d: DesignDocument, id: string) =>
  toMarkdown({ ...d, sections: d.sections.filter((s) => s.id === id) });

let base: DesignDocument;
beforeAll(() => {
  gcp = new TfStack(
    "dp-gcp-dev",
    JSON.parse(Testing.synth(new GcpStack(Testing.app(), "dp-gcp-dev", { env: dev }))),
  );
  awsBase = synthAws(sources);
  base = documentFor(undefined);
});

describe("design document", () => {
  it("fills every section from the synthesized stacks", () => {
    expect(base.sections.map((s) => s.id)).toEqual([
      "overview",
      "batches",
      "data",
      "settings",
      "permissions",
      "network",
      "monitoring",
      "operations",
    ]);
    for (const s of base.sections) expect(s.blocks.length).toBeGreaterThan(0);
    const md = toMarkdown(base);
    // Real names of this environment, taken from the Terraform JSON.
    expect(md).toContain("dp-dev-saas-ingest");
    expect(md).toContain("s3://dp-dev-111111111111-raw/saas/demo_orders/");
    expect(md).toContain("`10.10.0.0/16`");
    expect(md).toContain("dp-dev-saas-ingest-errors");
    expect(md).toContain("`iics_staging`");
    // No unresolved Terraform reference reaches the reader.
    expect(md).not.toMatch(/\$\{aws_[a-z_]+\.[A-Za-z0-9_-]+\./);
    expect(md).not.toMatch(/\$\{google_[a-z_]+\.[A-Za-z0-9_-]+\./);
  });

  it("states each schedule in JST and UTC with the day shift", () => {
    const batches = section(base, "batches");
    expect(batches).toMatch(/`demo_orders` \| ingest \| Schedule: 03:00 JST \/ 18:00 UTC \(previous day\)/);
    expect(batches).toContain("demo_orders : 03:00, 15m");
    expect(batches).toContain("npm run ops -- run demo_orders --env dev --date YYYY-MM-DD");
    // The business date each source writes: a 03:00 JST run loads the day that ended in Tokyo.
    expect(batches).toContain(
      "`raw/saas/demo_orders/dt=YYYY-MM-DD/` (business date dt: the previous day in Asia/Tokyo)",
    );
  });

  it("states each source's business date policy from its settings item", () => {
    // Both policies in one synth, one source each (each source's line reads its own settings).
    const policies: Record<string, { runDate: string; scheduleTimezone: string }> = {
      demo_orders: { runDate: "utc-today", scheduleTimezone: "Europe/Paris" },
      demo_customers: { runDate: "local-today", scheduleTimezone: "Europe/Paris" },
    };
    const changed = sources.map((s) =>
      policies[s.id] ? { ...s, settings: { ...s.settings, ...policies[s.id] } } : s,
    );
    const batches = section(documentFor(changed as Sources), "batches");
    expect(batches).toContain(
      "`raw/saas/demo_orders/dt=YYYY-MM-DD/` (business date dt: the day of the run in UTC)",
    );
    expect(batches).toContain(
      "`raw/saas/demo_customers/dt=YYYY-MM-DD/` (business date dt: the day of the run in Europe/Paris)",
    );
  });

  it("lists the stack outputs by their fixed names", () => {
    const ops = section(base, "operations");
    expect(ops).toContain("| `dp-aws-dev` | `ci_plan_role_arn` |");
    expect(ops).toContain("| `dp-gcp-dev` | `iics_service_account` |");
    expect(ops).not.toMatch(/_[0-9A-F]{8}`/);
  });

  it("shows secrets as their ids only", () => {
    const settings = section(base, "settings");
    expect(settings).toContain('"secretId": "dp/saas/demo-api-token"');
    expect(maskSecrets({ auth: { secretId: "a/b", password: "hunter2" } })).toEqual({
      auth: { secretId: "a/b", password: "***" },
    });
  });

  it("follows a config change: a source added changes its sections, a schedule change only the batch list and settings", () => {
    const extra = structuredClone(sources.find((s) => s.id === "demo_customers")!);
    extra.id = "demo_invoices";
    extra.settings.target.prefix = "saas/demo_invoices";
    extra.settings.schedule = "cron(15 1 * * ? *)";
    const added = documentFor([...sources, extra]);
    const addedChanges = changedSections(sectionHashes(base), sectionHashes(added));
    expect(addedChanges).toEqual(
      expect.arrayContaining(["2. Batch list", "3. Data definitions", "4. Settings", "7. Monitoring"]),
    );
    expect(section(added, "batches")).toContain(
      "`demo_invoices` | ingest | Schedule: 01:15 JST / 16:15 UTC (previous day)",
    );
    expect(section(added, "data")).toContain("dp_dev_raw.demo_invoices");
    expect(section(added, "monitoring")).toContain("dp-dev-saas-ingest-demo_invoices-missed-run");

    const moved = sources.map((s) =>
      s.id === "demo_orders" ? { ...s, settings: { ...s.settings, schedule: "cron(30 9 * * ? *)" } } : s,
    );
    const rescheduled = documentFor(moved as Sources);
    expect(changedSections(sectionHashes(base), sectionHashes(rescheduled))).toEqual([
      "2. Batch list",
      "4. Settings",
    ]);
    expect(section(rescheduled, "batches")).toContain("09:30 JST / 00:30 UTC — `cron(30 9 * * ? *)`");
    expect(designChangeLine("dev", sectionHashes(base), sectionHashes(rescheduled))).toBe(
      "**Design document (dev)**: sections changed: 2. Batch list, 4. Settings",
    );
    expect(designChangeLine("dev", sectionHashes(base), sectionHashes(base))).toBe(
      "**Design document (dev)**: no section changed",
    );
  });

  it("lists curate transforms with their inputs, table, strategy and checks", () => {
    const doc = buildDocument({ env: "dev", aws: awsBase, gcp, curated: curatedFacts() }, "en");
    expect(section(doc, "batches")).toContain(
      "| `orders_enriched` | curate | Event: `demo_orders`, `demo_customers` published | `demo_orders`, `demo_customers` | `orders_enriched` |",
    );
    expect(section(doc, "data")).toMatch(
      /\| `daily_revenue` \| `daily_revenue` \| replace-partition \| `dt`, `currency` \|.*not null: orders/,
    );
  });

  it("lists each reconciliation check on the reconcile schedule, with its own alarms", () => {
    const doc = buildDocument({ env: "dev", aws: awsBase, gcp, checks: checkFacts() }, "en");
    const batches = section(doc, "batches");
    expect(batches).toMatch(
      /\| `orders` \| reconcile \| Schedule: 09:00 JST \/ 00:00 UTC .*\| Athena `raw\.demo_orders`, BigQuery `dwh\.orders` \|/,
    );
    expect(batches).toContain("`dp-dev-bq-reconcile-orders-failed`");
    expect(batches).toContain("npm run ops -- run orders --env dev");
  });

  it("is Japanese by default with names left as they are", () => {
    const ja = documentFor(undefined, "ja");
    expect(ja.title).toBe("詳細設計書 — dev");
    expect(ja.sections.map((s) => s.title)[1]).toBe("2. バッチ一覧 (Batch list)");
    expect(section(ja, "batches")).toContain("03:00 JST / 18:00 UTC (前日)");
    expect(section(ja, "batches")).toContain("(業務日付 dt: Asia/Tokyo の前日)");
    expect(section(ja, "batches")).toContain("dp-dev-saas-ingest");
  });

  it("writes one self-contained HTML file with escaped content", () => {
    const html = toHtml(base, "/* mermaid */ window.mermaid={};</script><b>");
    expect(html).toContain('<pre class="mermaid">flowchart LR');
    expect(html).not.toContain("</script><b>");
    expect(html).not.toMatch(/<(script|link)[^>]+src=/);
  });
});

describe("Terraform JSON helpers", () => {
  /** A Terraform reference, `${x}`, without a template-looking string literal. */
  const ref = (x: string) => `\${${x}}`;
  it("resolves references to the names a reader knows", () => {
    const s = new TfStack("s", {
      resource: {
        aws_s3_bucket: { b: { bucket: "my-bucket" } },
        aws_lambda_function: { f: { function_name: "fn", role: ref("aws_iam_role.r.arn") } },
        aws_iam_role: { r: { name: "role-x" } },
      },
    });
    expect(s.resolve(`s3://${ref("aws_s3_bucket.b.bucket")}/x`)).toBe("s3://my-bucket/x");
    expect(s.resolve(`${ref("aws_s3_bucket.b.arn")}/*`)).toBe("arn:aws:s3:::my-bucket/*");
    expect(s.resolve(ref("aws_iam_role.r.arn"))).toBe("role-x.arn");
    expect(s.resolve(ref("aws_sqs_queue.missing.arn"))).toBe(ref("aws_sqs_queue.missing.arn"));
  });

  it("reads DynamoDB JSON items", () => {
    expect(
      unmarshal({ M: { a: { S: "x" }, n: { N: "3" }, l: { L: [{ BOOL: true }, { NULL: true }] } } }),
    ).toEqual({
      a: "x",
      n: 3,
      l: [true, null],
    });
  });

  it("converts daily schedules across midnight", () => {
    expect(dailyTime("cron(0 8 * * ? *)", "Asia/Tokyo")).toEqual({
      localMinutes: 480,
      utcMinutes: 1380,
      utcDayShift: -1,
    });
    expect(dailyTime("cron(30 9 * * ? *)", "Asia/Tokyo")).toEqual({
      localMinutes: 570,
      utcMinutes: 30,
      utcDayShift: 0,
    });
    expect(dailyTime("cron(0 20 * * ? *)", "UTC")?.utcMinutes).toBe(1200);
    expect(dailyTime("cron(0/15 * * * ? *)", "UTC")).toBeUndefined();
    const words = { prevDay: "(prev)", nextDay: "(next)" };
    expect(describeSchedule("cron(0 20 * * ? *)", "UTC", words)).toBe(
      "05:00 JST / 20:00 UTC — `cron(0 20 * * ? *)` (UTC)",
    );
    expect(describeSchedule("rate(1 hour)", undefined, words)).toBe("rate(1 hour) (UTC)");
  });
});

describe("rendering in a browser", () => {
  it("finds diagrams that did not render", () => {
    const ok =
      '<body data-mermaid="done"><pre class="mermaid" data-processed="true"><svg id="a"></svg></pre>';
    expect(inspectDom(ok)).toEqual({ diagrams: 1, rendered: 1, errors: [] });
    const bad =
      '<body data-mermaid="done"><pre class="mermaid"><svg aria-roledescription="error"></svg></pre><pre class="mermaid">x</pre>';
    expect(inspectDom(bad).errors).toEqual(["diagram 1: syntax error", "diagram 2: not rendered"]);
    expect(inspectDom("<body>").errors[0]).toMatch(/never finished/);
  });

  const chromium = findChromium();
  (chromium ? it : it.skip)(
    "renders every diagram of the real document in headless Chromium",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "docs-html-"));
      try {
        const file = join(dir, "design.html");
        const mermaid = readFileSync(require.resolve("mermaid/dist/mermaid.min.js"), "utf8");
        require("node:fs").writeFileSync(file, toHtml(base, mermaid));
        const r = checkInBrowser(file, chromium);
        expect(r.errors).toEqual([]);
        expect(r.rendered).toBe(r.diagrams);
        expect(r.diagrams).toBe(2);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        expect(existsSync(dir)).toBe(false);
      }
    },
    120_000,
  );
});

describe("npm run docs arguments (scripts/lib/args.ts)", () => {
  // Loaded here, not at the top: scripts/docs.ts runs its main only as a script.
  const { parseDocsArgs } = require("../docs") as typeof import("../docs");
  const { HelpRequested, UsageError } = require("../lib/args") as typeof import("../lib/args");

  it("reads every option, with ja as the default language", () => {
    expect(parseDocsArgs(["--env", "stg", "--synth-dir=out", "--check"])).toEqual({
      env: "stg",
      lang: "ja",
      out: undefined,
      synthDir: "out",
      check: true,
      screenshot: undefined,
    });
    expect(parseDocsArgs(["--env", "dev", "--lang", "en", "--out", "d"])).toMatchObject({
      lang: "en",
      out: "d",
    });
  });

  it("refuses a missing environment, an unknown language or flag, naming it; --help is help", () => {
    expect(() => parseDocsArgs([])).toThrow(UsageError);
    expect(() => parseDocsArgs([])).toThrow("--env is required");
    expect(() => parseDocsArgs(["--env", "dev", "--lang", "fr"])).toThrow(
      '--lang: "fr" is not one of ja, en',
    );
    expect(() => parseDocsArgs(["--env", "Dev!"])).toThrow('--env "Dev!" is not an environment name');
    expect(() => parseDocsArgs(["--env", "dev", "--chek"])).toThrow("unknown option '--chek'");
    expect(() => parseDocsArgs(["--help"])).toThrow(HelpRequested);
  });
});
