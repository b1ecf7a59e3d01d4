/**
 * A scripted SaaS API on loopback for tests, the local runner and the benchmark. One data set of
 * `total` records, served in every pagination style, with faults injected on demand.
 *
 * | path     | pagination                       | body                                   |
 * |----------|----------------------------------|----------------------------------------|
 * | /none    | none                             | { data: [...] } (first pageSize)       |
 * | /cursor  | ?cursor=<n>, meta.next_cursor    | { data: [...], meta: { next_cursor } } |
 * | /page    | ?page=<n> from 1, empty page end | { items: [...] }                       |
 * | /offset  | ?offset=&limit= (capped by maxLimit) | [...]                              |
 * | /link    | Link: <...>; rel="next"          | [...]                                  |
 *
 * `?updated_since=<iso>` keeps records with updated_at >= since (inclusive, like many APIs).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ApiPage, DemoApis } from "./demo-saas-apis";

export type FaultKind = "500" | "503" | "429" | "truncated" | "reset" | "401" | "400";
export interface Fault {
  /** Path the fault applies to; any when unset. */
  path?: string;
  /** 0-based index of the page (by cursor/page/offset position) it applies to; any when unset. */
  page?: number;
  kind: FaultKind;
  /** How many matching requests fail. Infinity for a permanent failure. */
  times: number;
  /** For 429: Retry-After seconds. */
  retryAfterSeconds?: number;
}

export interface DemoServerOptions {
  total: number;
  pageSize: number;
  /** Required `authorization: Bearer <token>` (or `x-api-key: <token>`). @default - none */
  token?: string;
  /** Timestamp of record 0; record i is i seconds later. */
  epochMs?: number;
  /** /offset serves at most this many records per page whatever `limit` asks (as many APIs cap it). */
  maxLimit?: number;
}

/** Memory for cached page bodies; pages past it are built on every request. */
const BODY_CACHE_BYTES = 256 * 1024 * 1024;

export function demoRecord(i: number, epochMs = Date.UTC(2025, 0, 1)) {
  return {
    id: `r${i}`,
    updated_at: new Date(epochMs + i * 1000).toISOString(),
    amount: (i * 37) % 1000,
    currency: i % 3 === 0 ? "JPY" : "USD",
    customer_id: `c${i % 997}`,
  };
}

export class DemoSaasServer {
  readonly faults: Fault[] = [];
  readonly requests: Array<{
    path: string;
    query: Record<string, string>;
    headers: IncomingMessage["headers"];
    /** When it arrived (Date.now()). */
    at: number;
  }> = [];
  private server?: Server;
  url = "";
  private readonly cache = new Map<string, string>();
  /** Whole bodies of the built-in paths (all but /link), by path, first record and count. */
  private readonly bodies = new Map<string, Buffer>();
  private bodyBytes = 0;
  /** The real SaaS APIs' paging and auth (see demo-saas-apis.ts). */
  readonly apis = new DemoApis();

  constructor(public options: DemoServerOptions) {}

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
    await new Promise<void>((r) => this.server!.listen(port, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  /** Changes the data set (e.g. new records arrived for an incremental run). */
  setTotal(total: number) {
    this.options.total = total;
    this.cache.clear();
    this.bodies.clear();
    this.bodyBytes = 0;
  }

  /**
   * Builds every page of a built-in path (from the first record, `pageSize` records each) and
   * keeps it in memory as bytes, so serving a page costs a socket write and no JSON.stringify
   * of thousands of records: a client measured against this server (bench:ingest) is measured,
   * not this server. Stops at BODY_CACHE_BYTES (later pages are built when asked, as without this).
   */
  prebuild(path: "/none" | "/cursor" | "/page" | "/offset"): void {
    const { total, pageSize } = this.options;
    for (let from = 0; from < total && this.bodyBytes < BODY_CACHE_BYTES; from += pageSize)
      this.body(path, from, pageSize);
  }

  /** The body of a built-in path's page (not /link, whose headers vary with the query), cached. */
  private body(path: string, from: number, count: number): Buffer {
    const key = `${path} ${from} ${count}`;
    let b = this.bodies.get(key);
    if (b === undefined) {
      const items = this.items(from, count);
      const end = from + count >= this.options.total;
      switch (path) {
        case "/none":
          b = Buffer.from(`{"data":${items}}`);
          break;
        case "/cursor":
          b = Buffer.from(
            `{"data":${items},"meta":{"next_cursor":${end ? "null" : JSON.stringify(String(from + count))}}}`,
          );
          break;
        case "/page":
          b = Buffer.from(`{"items":${items}}`);
          break;
        default:
          b = Buffer.from(items);
      }
      if (this.bodyBytes + b.length <= BODY_CACHE_BYTES) {
        this.bodies.set(key, b);
        this.bodyBytes += b.length;
      }
    }
    return b;
  }

  private firstIndex(since: string | null): number {
    if (!since) return 0;
    const t = Date.parse(since);
    const epoch = this.options.epochMs ?? Date.UTC(2025, 0, 1);
    return Math.max(0, Math.ceil((t - epoch) / 1000));
  }

  private items(from: number, count: number): string {
    const items = [];
    for (let i = from; i < Math.min(this.options.total, from + count); i++)
      items.push(demoRecord(i, this.options.epochMs));
    return JSON.stringify(items);
  }

  private slice(from: number, count: number): string {
    const key = `${from}:${count}`;
    let s = this.cache.get(key);
    if (s === undefined) {
      s = this.items(from, count);
      if (this.cache.size < 1000) this.cache.set(key, s);
    }
    return s;
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    const u = new URL(req.url ?? "/", this.url);
    const q = Object.fromEntries(u.searchParams);
    this.requests.push({ path: u.pathname, query: q, headers: req.headers, at: Date.now() });
    if (req.method === "POST" && u.pathname === "/services/oauth2/token") {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        const r = this.apis.token(req, new URLSearchParams(body));
        res.writeHead(r.status, { "content-type": "application/json" }).end(r.body);
      });
      return;
    }
    const epochS = (this.options.epochMs ?? Date.UTC(2025, 0, 1)) / 1000;
    const api = this.apis.match(u, req, {
      origin: this.url,
      pageSize: this.options.pageSize,
      indexOf: (t) => Math.max(0, Math.ceil(t - epochS)),
      secondsOf: (i) => epochS + i,
    });
    if (api) {
      const limit = this.apis.rateLimit(Date.now());
      if (limit.limited) {
        res
          .writeHead(429, { "content-type": "application/json", ...limit.headers })
          .end('{"error":"rate limited"}');
      } else if (api.kind === "reply") {
        res.writeHead(api.status, { ...api.headers, ...limit.headers }).end(api.body);
      } else if (!this.injectFault(req, res, u.pathname, api.pos, api.from)) {
        this.servePage(res, api, limit.headers);
      }
      return;
    }
    const { pageSize, token } = this.options;
    if (token && req.headers.authorization !== `Bearer ${token}` && req.headers["x-api-key"] !== token) {
      res.writeHead(401, { "content-type": "application/json" }).end('{"error":"unauthorized"}');
      return;
    }
    const base = this.firstIndex(u.searchParams.get("updated_since"));
    let pos: number; // 0-based page index
    let from: number;
    let count = pageSize;
    switch (u.pathname) {
      case "/none":
      case "/link":
        pos = Number(q.p ?? 0);
        from = base + pos * pageSize;
        break;
      case "/cursor":
        from = Number(q.cursor ?? base);
        pos = Math.floor((from - base) / pageSize);
        break;
      case "/page":
        pos = Number(q.page ?? 1) - 1;
        from = base + pos * pageSize;
        break;
      case "/offset":
        count = Math.min(Number(q.limit ?? pageSize), this.options.maxLimit ?? Number.POSITIVE_INFINITY);
        from = base + Number(q.offset ?? 0);
        pos = Math.floor(Number(q.offset ?? 0) / count);
        break;
      default:
        res.writeHead(404).end();
        return;
    }
    if (this.injectFault(req, res, u.pathname, pos, from)) return;
    if (u.pathname !== "/link") {
      res.writeHead(200, { "content-type": "application/json" }).end(this.body(u.pathname, from, count));
      return;
    }
    const items = this.slice(from, count);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (from + count < this.options.total) {
      const next = new URL(u);
      next.searchParams.set("p", String(pos + 1));
      headers.link = `<${next.pathname}${next.search}>; rel="next", <${u.pathname}?p=0>; rel="first"`;
    }
    res.writeHead(200, headers).end(items);
  }

  private servePage(res: ServerResponse, page: ApiPage, extraHeaders: Record<string, string>) {
    const items = this.slice(page.from, Math.max(0, Math.min(page.count, this.options.total - page.from)));
    const r = page.render(items, page.from + page.count >= this.options.total);
    res.writeHead(200, { "content-type": "application/json", ...extraHeaders, ...r.headers }).end(r.body);
  }

  /** Answers with the first matching fault, if any; true when it did. */
  private injectFault(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    pos: number,
    from: number,
  ): boolean {
    const fault = this.faults.find(
      (f) =>
        f.times > 0 && (f.path === undefined || f.path === path) && (f.page === undefined || f.page === pos),
    );
    if (!fault) return false;
    fault.times--;
    switch (fault.kind) {
      case "reset":
        req.socket.destroy();
        break;
      case "truncated":
        res.writeHead(200, { "content-type": "application/json" }).end(`{"data":[{"id":"r${from}","upd`);
        break;
      case "429":
        res.writeHead(429, { "retry-after": String(fault.retryAfterSeconds ?? 1) }).end("slow down");
        break;
      default:
        res
          .writeHead(Number(fault.kind), { "content-type": "application/json" })
          .end(`{"error":"injected ${fault.kind}"}`);
    }
    return true;
  }
}
