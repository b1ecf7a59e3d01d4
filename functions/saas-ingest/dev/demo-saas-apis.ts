/**
 * The paging and auth of real SaaS APIs, reproduced on the demo server's data set (record i =
 * `demoRecord(i)`), at each API's own path so a README recipe runs unchanged but for its origin.
 *
 * | API        | path                                        | pages by                                         | auth |
 * |------------|---------------------------------------------|--------------------------------------------------|------|
 * | Stripe     | /v1/customers                               | `starting_after=<last id>`, `has_more`           | bearer |
 * | Salesforce | /services/data/v62.0/query(/<locator>)      | relative `nextRecordsUrl`, `done: true`          | OAuth2 client credentials (/services/oauth2/token) |
 * | Zendesk    | /api/v2/incremental/tickets.json            | absolute `next_page`, `end_of_stream: true` (next_page still set) | basic `email/token:<token>` |
 * | HubSpot    | /crm/v3/objects/contacts                    | `paging.next.after` (absent on the last page)    | bearer |
 * | Slack      | /api/conversations.history                  | `response_metadata.next_cursor`, `""` ends       | bearer (bad token: HTTP 200 `ok: false`) |
 * | GitHub     | /repos/octo-org/demo/issues                 | `Link: rel="next"` to /repositories/1/issues     | bearer |
 * | Shopify    | /admin/api/2024-10/orders.json              | `Link: rel="next"` with `page_info`; 400 when other params are resent | `X-Shopify-Access-Token` |
 * | internal   | /v1/events                                  | `X-Next-Cursor` header, empty on the last page   | `?api_key=` |
 */
import type { IncomingMessage } from "node:http";

export const DEMO_CREDENTIALS = {
  token: "demo-bearer-token-0001",
  basic: { username: "demo@example.com/token", password: "demo-zendesk-api-token" },
  apiKey: "demo-query-api-key-0001",
  client: { clientId: "demo-client-id", clientSecret: "demo-client-secret-0001" },
};

export interface DemoApiOptions {
  /** `expires_in` the token endpoint announces; unset: none (as Salesforce). */
  tokenExpiresIn?: number;
  /** A token stops working after this many API requests (it "expires" mid-run). */
  tokenMaxUses?: number;
  /** Every API route allows `limit` requests per `windowMs` and says so in headers of `style`; beyond it, 429. */
  rateLimit?: { limit: number; windowMs: number; style: "x-ratelimit" | "ietf" };
  /** Origin Zendesk's `next_page` points to (a hostile or misconfigured server). @default the server's own */
  nextPageOrigin?: string;
}

export interface ApiPage {
  /** Route name (for faults and assertions). */
  api: string;
  /** 0-based page index. */
  pos: number;
  from: number;
  count: number;
  render(items: string, end: boolean): { headers?: Record<string, string>; body: string };
}

export type ApiMatch =
  | ({ kind: "page" } & ApiPage)
  | { kind: "reply"; status: number; body: string; headers?: Record<string, string> };

const json = { "content-type": "application/json" };
const deny = (body = '{"error":"unauthorized"}'): ApiMatch => ({
  kind: "reply",
  status: 401,
  body,
  headers: json,
});
const bad = (body: string): ApiMatch => ({ kind: "reply", status: 400, body, headers: json });
const num = (v: string | null, fallback: number) => (v === null || v === "" ? fallback : Number(v));
const b64 = (s: string) => Buffer.from(s).toString("base64url");
const unb64 = (s: string) => Buffer.from(s, "base64url").toString("utf8");

/** The paths the API copies answer (README recipes' paths). */
export const DEMO_API_PATHS: readonly RegExp[] = [
  /^\/v1\/customers$/,
  /^\/services\/data\/v62\.0\/query(\/.*)?$/,
  /^\/api\/v2\/incremental\/tickets\.json$/,
  /^\/crm\/v3\/objects\/contacts$/,
  /^\/api\/conversations\.history$/,
  /^\/repos\/octo-org\/demo\/issues$/,
  /^\/admin\/api\/2024-10\/orders\.json$/,
  /^\/v1\/events$/,
];

export const servesPath = (pathname: string) => DEMO_API_PATHS.some((r) => r.test(pathname));

export class DemoApis {
  /** Access tokens issued, with the API requests each has served. */
  readonly tokens = new Map<string, number>();
  tokenRequests = 0;
  /** Requests answered 429 by the rate limiter. */
  rateLimited = 0;
  private window = { start: 0, used: 0 };

  constructor(
    public options: DemoApiOptions = {},
    readonly credentials = DEMO_CREDENTIALS,
  ) {}

  reset() {
    this.tokens.clear();
    this.tokenRequests = 0;
    this.rateLimited = 0;
    this.window = { start: 0, used: 0 };
  }

  /** The OAuth 2.0 token endpoint (client credentials; id/secret in the form or HTTP Basic). */
  token(req: IncomingMessage, form: URLSearchParams): { status: number; body: string } {
    this.tokenRequests++;
    let { clientId, clientSecret } = {
      clientId: form.get("client_id"),
      clientSecret: form.get("client_secret"),
    };
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "");
    if (basic) {
      const [id, secret] = Buffer.from(basic[1], "base64").toString("utf8").split(":");
      clientId = decodeURIComponent(id.replace(/\+/g, " "));
      clientSecret = decodeURIComponent((secret ?? "").replace(/\+/g, " "));
    }
    if (form.get("grant_type") !== "client_credentials")
      return { status: 400, body: '{"error":"unsupported_grant_type"}' };
    if (
      clientId !== this.credentials.client.clientId ||
      clientSecret !== this.credentials.client.clientSecret
    )
      return {
        status: 401,
        body: '{"error":"invalid_client","error_description":"client authentication failed"}',
      };
    const token = `00Ddemo!${b64(String(Math.random())).slice(0, 24)}`;
    this.tokens.set(token, 0);
    const { tokenExpiresIn } = this.options;
    return {
      status: 200,
      body: JSON.stringify({
        access_token: token,
        token_type: "Bearer",
        instance_url: "https://demo.my.salesforce.com",
        issued_at: String(Date.now()),
        ...(tokenExpiresIn !== undefined ? { expires_in: tokenExpiresIn } : {}),
      }),
    };
  }

  /** Rate-limit headers for this request, or a 429 when the window is used up. */
  rateLimit(now: number): { headers: Record<string, string>; limited: boolean } {
    const rl = this.options.rateLimit;
    if (!rl) return { headers: {}, limited: false };
    if (now >= this.window.start + rl.windowMs) this.window = { start: now, used: 0 };
    const limited = this.window.used >= rl.limit;
    if (limited) this.rateLimited++;
    else this.window.used++;
    const remaining = String(rl.limit - this.window.used);
    const resetAt = this.window.start + rl.windowMs;
    const headers: Record<string, string> =
      rl.style === "x-ratelimit"
        ? {
            "x-ratelimit-limit": String(rl.limit),
            "x-ratelimit-remaining": remaining,
            "x-ratelimit-reset": String(Math.ceil(resetAt / 1000)),
          }
        : {
            "ratelimit-limit": String(rl.limit),
            "ratelimit-remaining": remaining,
            "ratelimit-reset": String(Math.max(0, Math.ceil((resetAt - now) / 1000))),
          };
    return { headers, limited };
  }

  /** The page an API route asks for, or a reply (401, 400) when the request is refused; undefined: not an API path. */
  match(
    u: URL,
    req: IncomingMessage,
    ctx: {
      origin: string;
      pageSize: number;
      /** Index of the first record updated at or after `epochSeconds`. */
      indexOf: (epochSeconds: number) => number;
      /** `updated_at` of record i, in epoch seconds. */
      secondsOf: (i: number) => number;
    },
  ): ApiMatch | undefined {
    const q = u.searchParams;
    const c = this.credentials;
    const bearer = req.headers.authorization === `Bearer ${c.token}`;
    const path = u.pathname;
    if (path === "/v1/customers") {
      if (!bearer)
        return deny('{"error":{"type":"invalid_request_error","message":"Invalid API Key provided"}}');
      const count = Math.min(100, num(q.get("limit"), 10));
      const base = q.has("created[gte]") ? ctx.indexOf(Number(q.get("created[gte]"))) : 0;
      const after = q.get("starting_after");
      const from = after ? Number(after.slice(1)) + 1 : base;
      return {
        kind: "page",
        api: "stripe",
        pos: Math.floor((from - base) / count),
        from,
        count,
        render: (items, end) => ({
          body: `{"object":"list","url":"/v1/customers","has_more":${!end},"data":${items}}`,
        }),
      };
    }
    const sf = /^\/services\/data\/v62\.0\/query(?:\/01gDEMO-(\d+))?$/.exec(path);
    if (sf) {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const uses = token === undefined ? undefined : this.tokens.get(token);
      if (
        token === undefined ||
        uses === undefined ||
        (this.options.tokenMaxUses !== undefined && uses >= this.options.tokenMaxUses)
      )
        return deny('[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]');
      this.tokens.set(token, uses + 1);
      if (!sf[1] && !q.get("q")) return bad('[{"message":"query is missing","errorCode":"MALFORMED_QUERY"}]');
      const from = sf[1] ? Number(sf[1]) : 0;
      const count = ctx.pageSize;
      return {
        kind: "page",
        api: "salesforce",
        pos: Math.floor(from / count),
        from,
        count,
        render: (items, end) => ({
          body: `{"totalSize":-1,"done":${end},${end ? "" : `"nextRecordsUrl":"/services/data/v62.0/query/01gDEMO-${from + count}",`}"records":${items.replace(/\{"id":("r\d+")/g, '{"attributes":{"type":"Account"},"Id":$1,"id":$1')}}`,
        }),
      };
    }
    if (path === "/api/v2/incremental/tickets.json") {
      const basic = `Basic ${Buffer.from(`${c.basic.username}:${c.basic.password}`).toString("base64")}`;
      if (req.headers.authorization !== basic) return deny('{"error":"Couldn\'t authenticate you"}');
      if (!q.has("start_time")) return bad('{"error":"InvalidValue","description":"start_time is required"}');
      const from = ctx.indexOf(Number(q.get("start_time")));
      const count = ctx.pageSize;
      return {
        kind: "page",
        api: "zendesk",
        pos: Math.floor(from / count),
        from,
        count,
        render: (items, end) => {
          // end_time: where the next page starts; on the last page next_page is still set (as Zendesk does).
          const endTime = ctx.secondsOf(from + count);
          return {
            body: `{"tickets":${items.replace(/\{"id":"r(\d+)"/g, (_m, i) => `{"generated_timestamp":${ctx.secondsOf(Number(i))},"id":"r${i}"`)},"count":${JSON.parse(items).length},"end_of_stream":${end},"end_time":${endTime},"next_page":"${this.options.nextPageOrigin ?? ctx.origin}/api/v2/incremental/tickets.json?start_time=${endTime}"}`,
          };
        },
      };
    }
    if (path === "/crm/v3/objects/contacts") {
      if (!bearer) return deny('{"status":"error","category":"INVALID_AUTHENTICATION"}');
      const count = Math.min(100, num(q.get("limit"), 10));
      const from = num(q.get("after"), 0);
      return {
        kind: "page",
        api: "hubspot",
        pos: Math.floor(from / count),
        from,
        count,
        render: (items, end) => {
          const next = new URL(u);
          next.searchParams.set("after", String(from + count));
          const paging = end
            ? ""
            : `,"paging":{"next":{"after":"${from + count}","link":"${ctx.origin}${next.pathname}${next.search}"}}`;
          return { body: `{"results":${items}${paging}}` };
        },
      };
    }
    if (path === "/api/conversations.history") {
      // Slack answers HTTP 200 with ok:false on errors.
      if (!bearer)
        return { kind: "reply", status: 200, body: '{"ok":false,"error":"invalid_auth"}', headers: json };
      const count = Math.min(1000, num(q.get("limit"), 100));
      const cursor = q.get("cursor");
      const from = cursor ? Number(unb64(cursor).replace("next_ts:", "")) : 0;
      return {
        kind: "page",
        api: "slack",
        pos: Math.floor(from / count),
        from,
        count,
        render: (items, end) => ({
          body: `{"ok":true,"messages":${items},"has_more":${!end},"response_metadata":{"next_cursor":"${end ? "" : b64(`next_ts:${from + count}`)}"}}`,
        }),
      };
    }
    if (path === "/repos/octo-org/demo/issues" || path === "/repositories/1/issues") {
      if (!bearer) return deny('{"message":"Bad credentials"}');
      const count = Math.min(100, num(q.get("per_page"), 30));
      const page = num(q.get("page"), 1);
      const from = (page - 1) * count;
      return {
        kind: "page",
        api: "github",
        pos: page - 1,
        from,
        count,
        render: (items, end) => {
          const at = (p: number) => `<${ctx.origin}/repositories/1/issues?per_page=${count}&page=${p}>`;
          return {
            headers: end
              ? ({} as Record<string, string>)
              : { link: `${at(page + 1)}; rel="next", ${at(9999)}; rel="last"` },
            body: items,
          };
        },
      };
    }
    if (path === "/admin/api/2024-10/orders.json") {
      if (req.headers["x-shopify-access-token"] !== c.token)
        return deny(
          '{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}',
        );
      const count = Math.min(250, num(q.get("limit"), 50));
      const pageInfo = q.get("page_info");
      let from = 0;
      if (pageInfo) {
        const extra = [...q.keys()].filter((k) => !["page_info", "limit", "fields"].includes(k));
        if (extra.length > 0)
          return bad(
            `{"errors":{"page_info":"Invalid value. ${extra.join(", ")} cannot be passed with page_info."}}`,
          );
        from = Number(unb64(pageInfo));
      }
      return {
        kind: "page",
        api: "shopify",
        pos: Math.floor(from / count),
        from,
        count,
        render: (items, end) => {
          const link = (f: number, rel: string) =>
            `<${ctx.origin}/admin/api/2024-10/orders.json?limit=${count}&page_info=${b64(String(f))}>; rel="${rel}"`;
          const links = [
            from > 0 ? link(Math.max(0, from - count), "previous") : "",
            end ? "" : link(from + count, "next"),
          ].filter(Boolean);
          return {
            headers: links.length ? { link: links.join(", ") } : ({} as Record<string, string>),
            body: `{"orders":${items}}`,
          };
        },
      };
    }
    if (path === "/v1/events") {
      if (q.get("api_key") !== c.apiKey) return deny('{"error":"invalid api_key"}');
      const count = Math.min(500, num(q.get("limit"), 100));
      const cursor = q.get("cursor");
      const from = cursor ? Number(unb64(cursor)) : 0;
      return {
        kind: "page",
        api: "internal",
        pos: Math.floor(from / count),
        from,
        count,
        // The last page still sends the header, empty.
        render: (items, end) => ({
          headers: { "x-next-cursor": end ? "" : b64(String(from + count)) },
          body: `{"events":${items}}`,
        }),
      };
    }
    return undefined;
  }
}
