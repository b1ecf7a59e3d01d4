import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { nodeHttpFetch } from "./node-http-fetch";

let server: Server;
let base = "";
let handle: (req: IncomingMessage, res: ServerResponse) => void = (_q, res) => res.end();
const seen: IncomingMessage[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    handle(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  seen.length = 0;
});

const fallbackCalls: Array<[unknown, RequestInit | undefined]> = [];
const fallback = (async (input: unknown, init?: RequestInit) => {
  fallbackCalls.push([input, init]);
  return new Response("from fallback");
}) as typeof fetch;
const f = nodeHttpFetch(fallback);
const get = (path: string, init: RequestInit = {}) => f(`${base}${path}`, { redirect: "manual", ...init });

async function bodyOf(res: Response): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) parts.push(Buffer.from(c));
  return Buffer.concat(parts).toString("utf8");
}

describe("nodeHttpFetch", () => {
  it("returns a redirect instead of following it, with its headers (repeated ones kept)", async () => {
    handle = (_q, res) => {
      res.setHeader("link", ['<a>; rel="next"', '<b>; rel="last"']);
      res.writeHead(302, { location: "https://elsewhere.test/x" }).end();
    };
    const res = await get("/r", { headers: { "x-api-key": "k" } });
    expect(res.status).toBe(302);
    expect(res.ok).toBe(false);
    expect(res.headers.get("location")).toBe("https://elsewhere.test/x");
    expect(res.headers.get("link")).toBe('<a>; rel="next", <b>; rel="last"');
    expect(seen).toHaveLength(1);
    expect(seen[0].headers).toMatchObject({
      "x-api-key": "k",
      "user-agent": "node",
      "accept-encoding": "gzip, deflate, br",
    });
  });

  it.each([
    ["gzip", gzipSync],
    ["deflate", deflateSync],
    ["br", brotliCompressSync],
  ] as const)("decodes a %s body, streamed", async (coding, compress) => {
    const json = JSON.stringify({ data: Array.from({ length: 5000 }, (_, i) => ({ i })) });
    handle = (_q, res) => res.writeHead(200, { "content-encoding": coding }).end(compress(Buffer.from(json)));
    const res = await get("/z");
    expect(res.ok).toBe(true);
    expect(await bodyOf(res)).toBe(json);
    const again = await get("/z");
    expect(await again.text()).toBe(json);
  });

  it("a body cut short by the server fails the iteration (a network error HttpClient retries)", async () => {
    handle = (req, res) => {
      res.writeHead(200, { "content-length": "1000" });
      res.write('{"data":[1,');
      setTimeout(() => req.socket.destroy(), 20);
    };
    const res = await get("/cut");
    await expect(bodyOf(res)).rejects.toThrow();
  });

  it("a signal aborts while waiting for headers and while reading the body", async () => {
    handle = () => undefined; // never answers
    await expect(get("/slow", { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    handle = (_q, res) => {
      res.writeHead(200);
      res.write("[");
    };
    const res = await get("/stall", { signal: AbortSignal.timeout(150) });
    await expect(bodyOf(res)).rejects.toThrow();
  });

  it("cancel() drops the connection, and the next request still works", async () => {
    handle = (_q, res) => {
      res.writeHead(200);
      res.write("x".repeat(100_000));
    };
    const res = await get("/big");
    await (res.body as unknown as { cancel(): Promise<void> }).cancel();
    handle = (_q, res) => res.end("ok");
    expect(await (await get("/small")).text()).toBe("ok");
  });

  it("sends anything but a manual-redirect GET to the fallback fetch", async () => {
    fallbackCalls.length = 0;
    await f(`${base}/token`, { method: "POST", body: "grant_type=client_credentials" });
    await f(`${base}/follow`);
    expect(fallbackCalls.map(([u]) => String(u))).toEqual([`${base}/token`, `${base}/follow`]);
    expect(seen).toHaveLength(0);
  });
});
