/**
 * The README recipes end to end: the real handler against s3rver, dynalite, the Secrets Manager
 * stub and the demo API's copies of Stripe, Salesforce, Zendesk, HubSpot, Slack, GitHub, Shopify
 * and an internal API (their paging, auth, tokens that expire, rate limits).
 */
import { type LocalAws, startLocalAws } from "../../test/helpers/local-aws";
import {
  createSettingsTable,
  getSourceState,
  listKeys,
  putSourceConfig,
  readVisibleRecords,
} from "../shared/dev/local";
import type { SecretsStub } from "../shared/dev/secrets-stub";
import { type DemoSaasServer, demoRecord } from "./dev/demo-saas-server";
import { localRecipe, recipeIds } from "./dev/local-recipes";
import { type DemoStandIns, startDemoStandIns } from "./dev/stand-ins";
import { handler } from "./handler";

jest.setTimeout(120_000);

const BUCKET = "raw-apis";
const TABLE = "settings-apis";
const RUN_DATE = "2026-11-28";
const TOTAL = 1050;
let aws: LocalAws;
let saas: DemoSaasServer;
let secrets: SecretsStub;
let demo: DemoStandIns;
const savedEnv = { ...process.env };
let n = 0;

beforeAll(async () => {
  aws = await startLocalAws([BUCKET]);
  await createSettingsTable(aws.dynamodbEndpoint, TABLE);
  demo = await startDemoStandIns({
    total: TOTAL,
    pageSize: 100,
    s3: aws.s3Endpoint,
    dynamodb: aws.dynamodbEndpoint,
    table: TABLE,
    bucket: BUCKET,
    extra: { HTTP_MAX_ATTEMPTS: "3", HTTP_RETRY_BASE_DELAY_MS: "10", POWERTOOLS_LOG_LEVEL: "SILENT" },
  });
  ({ saas, secrets } = demo);
  Object.assign(process.env, demo.env);
});
afterAll(async () => {
  process.env = savedEnv;
  await Promise.all([aws?.stop(), demo?.stop()]);
});
beforeEach(() => {
  saas.faults.length = 0;
  saas.requests.length = 0;
  saas.setTotal(TOTAL);
  saas.apis.reset();
  saas.apis.options = {};
});

const context = (ms = 300_000) => ({ getRemainingTimeInMillis: () => ms, awsRequestId: "test" });

/**
 * A recipe as a fresh source (own id, prefix and secret id, so no cached secret carries over),
 * pointed at the demo API; `secretValue` replaces the demo credential.
 */
async function recipeSource(recipeId: string, patch: Record<string, unknown> = {}, secretValue?: string) {
  const r = localRecipe(recipeId, saas.url);
  if (!r) throw new Error(`no recipe ${recipeId}`);
  const id = `${recipeId}_${++n}`;
  const prefix = `saas/${id}`;
  const auth = r.settings.auth;
  if (auth.type !== "none") {
    const secretId = `${auth.secretId}/${id}`;
    secrets.secrets.set(secretId, secretValue ?? r.secrets[auth.secretId]);
    r.settings.auth = { ...auth, secretId };
  }
  await putSourceConfig(aws.dynamodbEndpoint, TABLE, id, { ...r.settings, target: { prefix }, ...patch });
  return { id, prefix };
}

const run = (id: string, ms?: number) => handler({ sourceId: id, runDate: RUN_DATE }, context(ms));
const visible = (prefix: string) => readVisibleRecords(aws.s3Endpoint, BUCKET, prefix);
const expectExactlyOnce = (records: Record<string, unknown>[], total: number) => {
  expect(records).toHaveLength(total);
  expect(new Set(records.map((r) => r.id)).size).toBe(total);
};
const apiRequests = (pathPrefix: string) => saas.requests.filter((r) => r.path.startsWith(pathPrefix));

describe.each(recipeIds())("recipe %s", (recipeId) => {
  // Fewer records than the paging tests below: still 2-6 pages for every recipe (the fault below
  // is on the second), at about half the CPU.
  const RECIPE_TOTAL = 550;
  beforeEach(() => saas.setTotal(RECIPE_TOTAL));

  it("lands every record exactly once", async () => {
    const { id, prefix } = await recipeSource(recipeId);
    const summary = await run(id);
    expect(summary.records).toBe(RECIPE_TOTAL);
    expect(summary.pages).toBeGreaterThanOrEqual(2);
    const records = await visible(`${prefix}/dt=${RUN_DATE}/`);
    expectExactlyOnce(records, RECIPE_TOTAL);
    expect(records.find((r) => r.id === "r7")).toMatchObject(demoRecord(7));
  });

  it("resumes after a permanent failure mid-run: nothing visible, state unchanged, the rerun lands each record once", async () => {
    const { id, prefix } = await recipeSource(recipeId);
    saas.faults.push({ page: 1, kind: "500", times: Number.POSITIVE_INFINITY });
    await expect(run(id)).rejects.toThrow(/HTTP 500/);
    expect(await listKeys(aws.s3Endpoint, BUCKET, prefix)).toEqual([]);
    const state = await getSourceState(aws.dynamodbEndpoint, TABLE, id);
    expect(state?.lastRunId).toBeUndefined();
    expect(state?.lease).toBeUndefined();
    saas.faults.length = 0;
    await run(id);
    expectExactlyOnce(await visible(prefix), RECIPE_TOTAL);
  });
});

describe("Stripe: last-record", () => {
  it("stops on has_more: false after a full last page, without an extra request", async () => {
    saas.setTotal(1000);
    const { id } = await recipeSource("stripe_customers");
    expect((await run(id)).records).toBe(1000);
    const reqs = apiRequests("/v1/customers");
    expect(reqs).toHaveLength(10);
    expect(reqs.map((r) => r.query.starting_after)).toEqual([
      undefined,
      "r99",
      "r199",
      "r299",
      "r399",
      "r499",
      "r599",
      "r699",
      "r799",
      "r899",
    ]);
    expect(reqs.every((r) => r.query.limit === "100")).toBe(true);
  });
});

describe("Salesforce: next-url + OAuth2 client credentials", () => {
  it("follows the relative nextRecordsUrl until done: true, with one token for the run", async () => {
    const { id } = await recipeSource("salesforce_accounts");
    expect((await run(id)).records).toBe(TOTAL);
    expect(saas.apis.tokenRequests).toBe(1);
    const paths = apiRequests("/services/data").map((r) => r.path);
    expect(paths).toHaveLength(11);
    expect(paths[0]).toBe("/services/data/v62.0/query");
    expect(paths[1]).toBe("/services/data/v62.0/query/01gDEMO-100");
    // Followed as given: the SOQL of the first request is not sent again.
    expect(
      apiRequests("/services/data")
        .slice(1)
        .every((r) => r.query.q === undefined),
    ).toBe(true);
  });

  it("fetches a new token once when the token expires mid-run, and lands every record once", async () => {
    saas.apis.options = { tokenMaxUses: 4 };
    const { id, prefix } = await recipeSource("salesforce_accounts");
    expect((await run(id)).records).toBe(TOTAL);
    expect(saas.apis.tokenRequests).toBe(3); // 11 pages, 4 per token
    expect(apiRequests("/services/data").length).toBe(13); // two requests answered 401, each retried once
    expectExactlyOnce(await visible(prefix), TOTAL);
  });

  it("refreshes the token before it expires when the server announces expires_in", async () => {
    saas.apis.options = { tokenExpiresIn: 1 }; // refreshed 0.1 s early
    saas.faults.push({
      path: "/services/data/v62.0/query/01gDEMO-500",
      kind: "429",
      times: 1,
      retryAfterSeconds: 1,
    });
    const { id } = await recipeSource("salesforce_accounts");
    expect((await run(id)).records).toBe(TOTAL);
    expect(saas.apis.tokenRequests).toBeGreaterThanOrEqual(2);
    expect(apiRequests("/services/data").filter((r) => r.query.q !== undefined)).toHaveLength(1);
  });

  it("fails with the token endpoint named when the client is refused, writing nothing and never showing the secret", async () => {
    const { id, prefix } = await recipeSource(
      "salesforce_accounts",
      {},
      JSON.stringify({ clientId: "demo-client-id", clientSecret: "wrong-secret-value" }),
    );
    const err = await run(id).catch((e) => e);
    expect(err.message).toMatch(
      /auth\.tokenUrl: http:\/\/127\.0\.0\.1:\d+\/services\/oauth2\/token refused the client credentials: HTTP 401 invalid_client/,
    );
    expect(err.message).not.toContain("wrong-secret-value");
    expect(await listKeys(aws.s3Endpoint, BUCKET, prefix)).toEqual([]);
    expect(apiRequests("/services/data")).toHaveLength(0);
  });

  it("refuses a malformed oauth2 entry naming the field, before anything is written", async () => {
    const { id } = await recipeSource("salesforce_accounts", {
      auth: { type: "oauth2-client-credentials", secretId: "dp/saas/salesforce-client" },
    });
    await expect(run(id)).rejects.toThrow(/auth\.tokenUrl/);
    expect(await getSourceState(aws.dynamodbEndpoint, TABLE, id)).toBeUndefined();
  });
});

describe("Zendesk: next-url + basic", () => {
  it("stops at end_of_stream although next_page is still set, and the next run starts at the watermark", async () => {
    saas.setTotal(600);
    const { id, prefix } = await recipeSource("zendesk_tickets");
    const first = await run(id);
    expect(first.records).toBe(600);
    const reqs = apiRequests("/api/v2/incremental");
    expect(reqs).toHaveLength(6);
    expect(reqs[0].query.start_time).toBe("1704067200");
    expect(reqs[0].headers.authorization).toMatch(/^Basic /);
    saas.setTotal(TOTAL);
    saas.requests.length = 0;
    const second = await handler({ sourceId: id, runDate: "2026-11-29" }, context());
    expect(apiRequests("/api/v2/incremental")[0].query.start_time).toBe(first.watermark);
    expect(second).toMatchObject({ records: TOTAL - 600, skipped: 1 });
    expectExactlyOnce(await visible(prefix), TOTAL);
  });

  it("refuses a next_page on another origin before sending credentials there, publishing nothing", async () => {
    saas.apis.options = { nextPageOrigin: "http://127.0.0.1:9" };
    const { id, prefix } = await recipeSource("zendesk_tickets");
    await expect(run(id)).rejects.toThrow(/refusing to follow http:\/\/127\.0\.0\.1:9/);
    expect(apiRequests("/api/v2/incremental")).toHaveLength(1);
    expect(await listKeys(aws.s3Endpoint, BUCKET, prefix)).toEqual([]);
  });

  it("refuses a basic secret that is not {username, password}, naming the secret", async () => {
    const { id } = await recipeSource("zendesk_tickets", {}, "demo@example.com/token:demo-zendesk-api-token");
    const err = await run(id).catch((e) => e);
    expect(err.message).toMatch(/auth\.secretId: secret "dp\/saas\/zendesk-api-token\/[^"]+" must be JSON/);
    expect(err.message).not.toContain("demo-zendesk-api-token");
  });
});

describe("Slack: cursor + bearer", () => {
  it("names Slack's error when it answers HTTP 200 with ok: false, publishing nothing", async () => {
    const { id, prefix } = await recipeSource("slack_messages", {}, "not-the-right-bot-token");
    const err = await run(id).catch((e) => e);
    expect(err.message).toMatch(
      /records\.path: "messages" is not an array .*; the body says ok: false, error: "invalid_auth"/,
    );
    expect(await listKeys(aws.s3Endpoint, BUCKET, prefix)).toEqual([]);
  });

  it("ends on an empty next_cursor", async () => {
    const { id } = await recipeSource("slack_messages");
    expect((await run(id)).records).toBe(TOTAL);
    const reqs = apiRequests("/api/conversations.history");
    expect(reqs).toHaveLength(6);
    expect(reqs[0].query).toEqual({ channel: "C0123456789", limit: "200" });
    expect(reqs.slice(1).every((r) => r.query.cursor && r.query.channel === "C0123456789")).toBe(true);
  });
});

describe("Shopify: Link with page_info", () => {
  it("follows page_info links as given, never resending the first request's filters", async () => {
    const { id } = await recipeSource("shopify_orders");
    expect((await run(id)).records).toBe(TOTAL);
    const reqs = apiRequests("/admin/api");
    expect(reqs).toHaveLength(5);
    expect(reqs[0].query).toEqual({ status: "any", limit: "250" });
    for (const r of reqs.slice(1)) expect(Object.keys(r.query).sort()).toEqual(["limit", "page_info"]);
  });
});

describe("internal API: header-cursor + query key", () => {
  it("ends on an empty X-Next-Cursor and keeps the key out of S3 keys, manifests, state and logs", async () => {
    const { id, prefix } = await recipeSource("internal_events");
    // A handler module of its own, whose logger is created at DEBUG level (the shared one is silent).
    process.env.POWERTOOLS_LOG_LEVEL = "DEBUG";
    let loud: typeof handler = handler;
    jest.isolateModules(() => {
      loud = require("./handler").handler;
    });
    const out = captureOutput();
    try {
      expect((await loud({ sourceId: id, runDate: RUN_DATE }, context())).records).toBe(TOTAL);
      saas.faults.push({ page: 0, kind: "400", times: 1 });
      await expect(loud({ sourceId: id, runDate: RUN_DATE }, context())).rejects.toThrow(/api_key=…/);
    } finally {
      process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
      out.restore();
    }
    expect(
      apiRequests("/v1/events")
        .slice(0, 3)
        .map((r) => r.query.cursor !== undefined),
    ).toEqual([false, true, true]);
    expect(apiRequests("/v1/events")).toHaveLength(4);
    const key = "demo-query-api-key-0001";
    expect(out.text()).toContain("run succeeded");
    expect(out.text()).not.toContain(key);
    const keys = await listKeys(aws.s3Endpoint, BUCKET, prefix);
    expect(keys.join("\n")).not.toContain(key);
    const { getBytes } = await import("../shared/dev/local");
    for (const k of keys.filter((k) => k.includes("_manifest")))
      expect((await getBytes(aws.s3Endpoint, BUCKET, k)).toString()).not.toContain(key);
    expect(JSON.stringify(await getSourceState(aws.dynamodbEndpoint, TABLE, id))).not.toContain(key);
  });

  it("redacts the key from an error body that echoes it", async () => {
    const { id } = await recipeSource("internal_events", {}, "a-wrong-but-secret-key");
    const err = await run(id).catch((e) => e);
    expect(err.message).toMatch(/HTTP 401/);
    expect(`${err.message}${err.stack}`).not.toContain("a-wrong-but-secret-key");
  });
});

describe("rate limits", () => {
  // Each wait lasts until the next whole second at least (the headers count in seconds): three
  // pages at 2 a window, two at 1, so each run waits once; a request sent early would be a 429.
  it("waits for X-RateLimit-Reset when X-RateLimit-Remaining reaches 0, so the source never answers 429", async () => {
    saas.setTotal(300);
    saas.apis.options = { rateLimit: { limit: 2, windowMs: 200, style: "x-ratelimit" } };
    const { id, prefix } = await recipeSource("github_issues");
    const summary = await run(id);
    const pages = apiRequests("/repos");
    expect(pages).toHaveLength(3);
    expect(saas.apis.rateLimited).toBe(0);
    expect(summary.retries).toBe(0);
    // The third page waited for the announced reset (the window opened by the first page, rounded
    // up to a whole second): a client that ignored the headers would send it right away, and on a
    // slow machine could miss the 200 ms window without a 429.
    const resetAt = Math.ceil((pages[0].at + 200) / 1000) * 1000;
    expect(pages[2].at).toBeGreaterThanOrEqual(resetAt);
    expectExactlyOnce(await visible(prefix), 300);
  });

  it("reads the IETF RateLimit-Remaining / RateLimit-Reset fields the same way", async () => {
    saas.setTotal(600);
    saas.apis.options = { rateLimit: { limit: 1, windowMs: 1000, style: "ietf" } };
    const { id } = await recipeSource("internal_events");
    const t0 = Date.now();
    await run(id);
    expect(apiRequests("/v1/events")).toHaveLength(2);
    expect(saas.apis.rateLimited).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
  });

  it("stops cleanly, uncommitted, when the reset is past the function's deadline", async () => {
    saas.apis.options = { rateLimit: { limit: 1, windowMs: 3_600_000, style: "ietf" } };
    const { id, prefix } = await recipeSource("hubspot_contacts");
    const t0 = Date.now();
    await expect(run(id, 30_000)).rejects.toThrow(/Out of time: the source's rate limit resets in 3600 s/);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await listKeys(aws.s3Endpoint, BUCKET, prefix)).toEqual([]);
  });
});

/** Collects what the code under test writes to stdout and stderr (Powertools logs), keeping the test quiet. */
function captureOutput() {
  const chunks: string[] = [];
  const take = (c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, "write").mockImplementation(take),
    jest.spyOn(process.stderr, "write").mockImplementation(take),
  ];
  return {
    text: () => chunks.join(""),
    restore: () => {
      for (const s of spies) s.mockRestore();
    },
  };
}
