import { OutOfTimeError } from "../errors";
import { createAuth, SourceAuthError } from ".";
import { OAuth2ClientCredentials, type TokenTransport } from "./oauth2";
import { redactError, redactValues, secretForms } from "./redact";

const secrets = (values: Record<string, string>) => ({
  get: async (id: string) => {
    if (!(id in values)) throw new Error(`no secret ${id}`);
    return values[id];
  },
});

/** A token endpoint: answers with `responses` in turn (the last one repeats), records requests. */
function tokenEndpoint(
  responses: Array<{ status: number; body: unknown; headers?: Record<string, string> }>,
) {
  const calls: Array<{ url: string; body: string; headers: Record<string, string> }> = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    calls.push({ url, body: String(init.body), headers: init.headers as Record<string, string> });
    const r = responses[Math.min(calls.length - 1, responses.length - 1)];
    return new Response(typeof r.body === "string" ? r.body : JSON.stringify(r.body), {
      status: r.status,
      headers: r.headers,
    });
  }) as unknown as typeof fetch;
  return { fetchFn, calls };
}

function transport(fetchFn: typeof fetch, clock = { t: 1_000_000 }): TokenTransport & { slept: number[] } {
  const slept: number[] = [];
  return {
    fetch: fetchFn,
    now: () => clock.t,
    sleep: async (ms) => {
      slept.push(ms);
      clock.t += ms;
    },
    deadline: () => clock.t + 600_000,
    slept,
  };
}

const noTransport = transport((async () => {
  throw new Error("no token endpoint expected");
}) as unknown as typeof fetch);

describe("static schemes", () => {
  it("basic sends base64(username:password) from a JSON secret and reports both for redaction", async () => {
    const auth = await createAuth(
      { type: "basic", secretId: "zd" },
      secrets({ zd: JSON.stringify({ username: "me@acme.test/token", password: "s3cr3t-zd" }) }),
      noTransport,
    );
    const req = await auth.apply("https://acme.zendesk.com/api", { accept: "x" });
    expect(req.headers).toEqual({
      accept: "x",
      authorization: `Basic ${Buffer.from("me@acme.test/token:s3cr3t-zd").toString("base64")}`,
    });
    expect(auth.secrets()).toEqual(
      expect.arrayContaining(["s3cr3t-zd", Buffer.from("me@acme.test/token:s3cr3t-zd").toString("base64")]),
    );
    expect(await auth.refresh()).toBe(false);
  });

  it("query adds the key to every URL (replacing one a server echoed) and reports its encoded forms", async () => {
    const auth = await createAuth(
      { type: "query", param: "api_key", secretId: "k" },
      secrets({ k: "k&y/with space\n" }),
      noTransport,
    );
    const req = await auth.apply("https://a.test/v1/events?cursor=2&api_key=old", {});
    expect(new URL(req.url).searchParams.get("api_key")).toBe("k&y/with space");
    expect(new URL(req.url).searchParams.get("cursor")).toBe("2");
    expect(req.headers).toEqual({});
    expect(auth.secrets()).toEqual(
      expect.arrayContaining(["k&y/with space", "k%26y%2Fwith%20space", "k%26y%2Fwith+space"]),
    );
  });

  it.each([
    [
      "not JSON",
      "user:pass",
      /secret "zd" must be JSON \{ "username": "…", "password": "…" \} \(it is not JSON\)/,
    ],
    ["missing password", JSON.stringify({ username: "u" }), /\(password missing or not a non-empty string\)/],
    ["an array", "[]", /it is not an object/],
  ])("refuses a basic secret that is %s, naming the secret and never its value", async (_n, value, msg) => {
    const p = createAuth({ type: "basic", secretId: "zd" }, secrets({ zd: value }), noTransport);
    await expect(p).rejects.toThrow(msg);
    await expect(p).rejects.toBeInstanceOf(SourceAuthError);
    await p.catch((e) => expect(String(e.message)).not.toContain(value));
  });

  it("refuses an oauth2 secret without clientSecret", async () => {
    await expect(
      createAuth(
        {
          type: "oauth2-client-credentials",
          tokenUrl: "https://t.test/token",
          secretId: "o",
          clientAuth: "body",
        },
        secrets({ o: JSON.stringify({ clientId: "id" }) }),
        noTransport,
      ),
    ).rejects.toThrow(
      /secret "o" must be JSON \{ "clientId": "…", "clientSecret": "…" \} \(clientSecret missing/,
    );
  });
});

describe("oauth2 client credentials", () => {
  const settings = {
    tokenUrl: "https://login.test/oauth2/token",
    scope: "read:orders",
    audience: "https://api.test",
    clientAuth: "body" as const,
  };
  const client = { clientId: "cid", clientSecret: "csecret-123" };

  it("posts the grant with scope and audience once, and reuses the token until shortly before expiry", async () => {
    const { fetchFn, calls } = tokenEndpoint([
      { status: 200, body: { access_token: "tok-1", token_type: "Bearer", expires_in: 600 } },
      { status: 200, body: { access_token: "tok-2", token_type: "bearer", expires_in: 600 } },
    ]);
    const clock = { t: 1_000_000 };
    const c = new OAuth2ClientCredentials(settings, client, transport(fetchFn, clock));
    expect(await c.token()).toBe("tok-1");
    clock.t += 539_000; // 600 s lifetime, refreshed 60 s early
    expect(await c.token()).toBe("tok-1");
    expect(calls).toHaveLength(1);
    expect(Object.fromEntries(new URLSearchParams(calls[0].body))).toEqual({
      grant_type: "client_credentials",
      client_id: "cid",
      client_secret: "csecret-123",
      scope: "read:orders",
      audience: "https://api.test",
    });
    clock.t += 2_000;
    expect(await c.token()).toBe("tok-2");
    expect(calls).toHaveLength(2);
    expect(c.issuedTokens()).toEqual(["tok-1", "tok-2"]);
  });

  it("refreshes a short-lived token a tenth of its lifetime early", async () => {
    const { fetchFn, calls } = tokenEndpoint([{ status: 200, body: { access_token: "t", expires_in: 10 } }]);
    const clock = { t: 0 };
    const c = new OAuth2ClientCredentials(settings, client, transport(fetchFn, clock));
    await c.token();
    clock.t = 8_999;
    await c.token();
    expect(calls).toHaveLength(1);
    clock.t = 9_000;
    await c.token();
    expect(calls).toHaveLength(2);
  });

  it("keeps a token without expires_in (Salesforce) until invalidated", async () => {
    const { fetchFn, calls } = tokenEndpoint([
      {
        status: 200,
        body: { access_token: "sf-1", instance_url: "https://acme.my.salesforce.com", token_type: "Bearer" },
      },
      { status: 200, body: { access_token: "sf-2", token_type: "Bearer" } },
    ]);
    const clock = { t: 0 };
    const c = new OAuth2ClientCredentials(settings, client, transport(fetchFn, clock));
    await c.token();
    clock.t += 86_400_000;
    expect(await c.token()).toBe("sf-1");
    c.invalidate();
    expect(await c.token()).toBe("sf-2");
    expect(calls).toHaveLength(2);
  });

  it("sends the client as HTTP Basic (form-encoded first) when clientAuth is basic", async () => {
    const { fetchFn, calls } = tokenEndpoint([{ status: 200, body: { access_token: "t" } }]);
    const c = new OAuth2ClientCredentials(
      { ...settings, clientAuth: "basic" },
      { clientId: "a b", clientSecret: "c:d" },
      transport(fetchFn),
    );
    await c.token();
    expect(calls[0].headers.authorization).toBe(`Basic ${Buffer.from("a+b:c%3Ad").toString("base64")}`);
    expect(new URLSearchParams(calls[0].body).has("client_secret")).toBe(false);
  });

  it("retries a 503 (honouring Retry-After) and gives up after three attempts", async () => {
    const { fetchFn, calls } = tokenEndpoint([
      { status: 503, body: "down", headers: { "retry-after": "2" } },
    ]);
    const t = transport(fetchFn);
    const c = new OAuth2ClientCredentials(settings, client, t);
    await expect(c.token()).rejects.toThrow(
      /auth\.tokenUrl: https:\/\/login\.test\/oauth2\/token failed after 3 attempts: HTTP 503/,
    );
    expect(calls).toHaveLength(3);
    expect(t.slept).toEqual([2000, 2000]);
  });

  it("fails at once on a refusal, naming the OAuth error and redacting an echoed secret", async () => {
    const { fetchFn, calls } = tokenEndpoint([
      { status: 401, body: { error: "invalid_client", error_description: "bad secret csecret-123" } },
    ]);
    const c = new OAuth2ClientCredentials(settings, client, transport(fetchFn));
    const err = await c.token().catch((e) => e);
    expect(err).toBeInstanceOf(SourceAuthError);
    expect(err.message).toMatch(/refused the client credentials: HTTP 401 invalid_client: bad secret \*\*\*/);
    expect(err.message).not.toContain("csecret-123");
    expect(calls).toHaveLength(1);
  });

  it.each([
    [{ token_type: "Bearer" }, /answered without an access_token/],
    [{ access_token: "x", token_type: "mac" }, /token of type "mac"; only Bearer/],
  ])("refuses a token response %j", async (body, msg) => {
    const { fetchFn } = tokenEndpoint([{ status: 200, body }]);
    await expect(new OAuth2ClientCredentials(settings, client, transport(fetchFn)).token()).rejects.toThrow(
      msg,
    );
  });

  it("does not wait past the deadline", async () => {
    const { fetchFn } = tokenEndpoint([{ status: 429, body: "", headers: { "retry-after": "3600" } }]);
    const t = transport(fetchFn);
    await expect(new OAuth2ClientCredentials(settings, client, t).token()).rejects.toBeInstanceOf(
      OutOfTimeError,
    );
    expect(t.slept).toEqual([]);
  });
});

describe("redaction by value", () => {
  it("replaces every form of a secret, longest first, in messages and causes", () => {
    const forms = secretForms("a/b c");
    const cause = new Error("inner a%2Fb%20c");
    const e = new Error("outer a/b c and a%2Fb+c", { cause });
    redactError(e, forms);
    expect(e.message).toBe("outer *** and ***");
    expect(cause.message).toBe("inner ***");
    expect(redactValues("abc", secretForms("ab"))).toBe("abc");
  });
});
