/**
 * `fetch` for page GETs over node:http(s) with keep-alive agents, without undici's web streams:
 * on bench:ingest the global fetch spent about twice the CPU per page and paused the socket between
 * chunks. It keeps the part of fetch's contract HttpClient relies on, each with a test
 * (node-http-fetch.test.ts):
 *
 * | fetch behaviour                          | here                                              |
 * |------------------------------------------|---------------------------------------------------|
 * | `redirect: "manual"` returns the 3xx     | node:http never follows redirects                 |
 * | gzip / deflate / br bodies decoded       | zlib streams (`accept-encoding` sent as fetch does)|
 * | `signal` aborts headers and body         | `request({ signal })`: the body iteration throws  |
 * | `res.ok`, `status`, `headers` (Headers)  | built from the raw headers (repeated ones kept)   |
 * | `res.body`: iterate, `cancel()`          | the (decoded) Node stream; cancel destroys it     |
 * | `res.text()`                             | reads the decoded body                            |
 * | `user-agent: node` unless set            | the same default                                  |
 *
 * Anything else (POST token requests, `redirect: "follow"`) goes to the fallback, the global fetch.
 */
import http from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";

const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
};

/** A Node stream with the two members of a web ReadableStream that HttpClient uses. */
type Body = AsyncIterable<Uint8Array> & { cancel(): Promise<void> };

function decoded(res: http.IncomingMessage): Readable {
  const codings = (res.headers["content-encoding"] ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity")
    .reverse();
  let out: Readable = res;
  for (const c of codings) {
    const z =
      c === "gzip" || c === "x-gzip"
        ? createGunzip()
        : c === "deflate"
          ? createInflate()
          : c === "br"
            ? createBrotliDecompress()
            : undefined;
    if (!z) continue; // unknown coding: passed through as fetch does
    const from = out;
    from.on("error", (e) => z.destroy(e));
    out = from.pipe(z);
  }
  return out;
}

function responseOf(res: http.IncomingMessage): Response {
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
    headers.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
  const status = res.statusCode ?? 0;
  const stream = decoded(res);
  const destroy = () => {
    stream.destroy();
    res.destroy();
  };
  const body = Object.assign(stream, {
    cancel: async () => destroy(),
  }) as unknown as Body;
  const text = async () => {
    const parts: Buffer[] = [];
    for await (const c of stream) parts.push(c as Buffer);
    return Buffer.concat(parts).toString("utf8");
  };
  return {
    status,
    ok: status >= 200 && status <= 299,
    headers,
    body,
    text,
    json: async () => JSON.parse(await text()),
  } as unknown as Response;
}

/** A fetch that sends GETs with `redirect: "manual"` over node:http(s); the rest to `fallback`. */
export function nodeHttpFetch(fallback: typeof fetch = globalThis.fetch): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const method = (init.method ?? "GET").toUpperCase();
    if (typeof input === "object" && !(input instanceof URL)) return fallback(input, init);
    const url = new URL(input);
    const agent = agents[url.protocol as keyof typeof agents];
    if (method !== "GET" || init.redirect !== "manual" || init.body != null || !agent)
      return fallback(input, init);
    const headers: Record<string, string> = { "user-agent": "node", "accept-encoding": "gzip, deflate, br" };
    for (const [k, v] of new Headers(init.headers)) headers[k] = v;
    const lib = url.protocol === "https:" ? https : http;
    return new Promise<Response>((resolve, reject) => {
      const req = lib.request(url, { method, headers, agent, signal: init.signal ?? undefined }, (res) =>
        resolve(responseOf(res)),
      );
      req.on("error", reject);
      req.end();
    });
  }) as typeof fetch;
}
