/**
 * A scriptable HTTP server on loopback for hostile-API tests: each test says how to answer
 * (`route`), and every request is recorded with its headers, so a test can prove what a server
 * of another origin received (credentials must never reach it).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

export class HostileServer {
  readonly requests: Array<{
    path: string;
    query: Record<string, string>;
    headers: IncomingMessage["headers"];
  }> = [];
  route: Route = (_req, res) => {
    res.writeHead(404).end();
  };
  url = "";
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const u = new URL(req.url ?? "/", this.url);
      this.requests.push({
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        headers: req.headers,
      });
      // A route that throws drops the connection (the test then fails on what it received).
      Promise.resolve()
        .then(() => this.route(req, res, u))
        .catch(() => res.destroy());
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  reset(route: Route) {
    this.requests.length = 0;
    this.route = route;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

/** Writes a JSON body. */
export function sendJson(
  res: ServerResponse,
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
) {
  res
    .writeHead(status, { "content-type": "application/json", ...headers })
    .end(typeof body === "string" ? body : JSON.stringify(body));
}
