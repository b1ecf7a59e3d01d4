/**
 * OAuth 2.0 client credentials grant (RFC 6749 §4.4). One token per run: fetched on first use,
 * reused until shortly before `expires_in` runs out (a tenth of its lifetime, at most 60 s early),
 * fetched again when the caller reports a 401. A token response without `expires_in`
 * (Salesforce) is kept until a 401.
 *
 * The token request is retried on network errors, 5xx and 429 (Retry-After honoured) up to three
 * times within the run's deadline; a 4xx is a refusal of the client credentials and fails at once,
 * naming `auth.tokenUrl` and the OAuth `error` code, never a credential.
 */
import { OutOfTimeError } from "../errors";
import { SourceAuthError } from "./errors";
import { redactValues, secretForms } from "./redact";

export interface TokenTransport {
  fetch: typeof fetch;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Epoch ms after which no request or wait may start. */
  deadline: () => number;
  /** Per-attempt timeout. @default 30000 */
  timeoutMs?: number;
}

export interface OAuth2Settings {
  tokenUrl: string;
  scope?: string;
  audience?: string;
  clientAuth: "body" | "basic";
}

interface CachedToken {
  value: string;
  /** Epoch ms from which the token is fetched again; Infinity when the server gave no lifetime. */
  refreshAt: number;
}

const ATTEMPTS = 3;

export class OAuth2ClientCredentials {
  private cached?: CachedToken;
  private inflight?: Promise<string>;
  private readonly issued: string[] = [];
  /** Token requests made this run. */
  requests = 0;

  constructor(
    private readonly s: OAuth2Settings,
    private readonly client: { clientId: string; clientSecret: string },
    private readonly t: TokenTransport,
  ) {}

  async token(): Promise<string> {
    if (this.cached && this.t.now() < this.cached.refreshAt) return this.cached.value;
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Forgets the cached token (after a 401), so the next `token()` fetches a new one. */
  invalidate(): void {
    this.cached = undefined;
  }

  /** Every access token issued this run (redacted by value). */
  issuedTokens(): string[] {
    return [...this.issued];
  }

  private async fetchToken(): Promise<string> {
    const body = new URLSearchParams({ grant_type: "client_credentials" });
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    };
    if (this.s.clientAuth === "basic") {
      // RFC 6749 §2.3.1: form-urlencode id and secret, then base64 "id:secret".
      const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, "+");
      headers.authorization = `Basic ${Buffer.from(`${enc(this.client.clientId)}:${enc(this.client.clientSecret)}`).toString("base64")}`;
    } else {
      body.set("client_id", this.client.clientId);
      body.set("client_secret", this.client.clientSecret);
    }
    if (this.s.scope) body.set("scope", this.s.scope);
    if (this.s.audience) body.set("audience", this.s.audience);
    const where = `auth.tokenUrl: ${this.s.tokenUrl}`;
    let reason = "";
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const left = this.t.deadline() - this.t.now();
      if (left <= 0) throw new OutOfTimeError(`Out of time before requesting an access token (${where})`);
      let waitMs = 1000 * 2 ** (attempt - 1);
      try {
        this.requests++;
        const res = await this.t.fetch(this.s.tokenUrl, {
          method: "POST",
          headers,
          body: body.toString(),
          redirect: "error",
          signal: AbortSignal.timeout(Math.max(1, Math.min(this.t.timeoutMs ?? 30_000, left))),
        });
        const text = await res.text();
        if (res.ok) return this.accept(text, where);
        const detail = this.oauthError(text);
        if (res.status !== 429 && res.status < 500) {
          throw new SourceAuthError(
            `${where} refused the client credentials: HTTP ${res.status}${detail} (check the secret's clientId/clientSecret, scope and audience)`,
          );
        }
        reason = `HTTP ${res.status}${detail}`;
        const ra = res.headers.get("retry-after");
        if (ra && /^\d+$/.test(ra.trim())) waitMs = Number(ra.trim()) * 1000;
      } catch (e) {
        if (e instanceof SourceAuthError) throw e;
        reason = `network error: ${(e as Error).message}`;
      }
      if (attempt < ATTEMPTS) {
        if (this.t.now() + waitMs >= this.t.deadline())
          throw new OutOfTimeError(`Out of time: the token endpoint asked to wait ${waitMs} ms (${where})`);
        await this.t.sleep(waitMs);
      }
    }
    throw new SourceAuthError(`${where} failed after ${ATTEMPTS} attempts: ${reason}`, true);
  }

  private accept(text: string, where: string): string {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SourceAuthError(`${where} answered a body that is not JSON`, true);
    }
    const token = json?.access_token;
    if (typeof token !== "string" || token === "")
      throw new SourceAuthError(`${where} answered without an access_token`);
    const type = json.token_type;
    if (type !== undefined && String(type).toLowerCase() !== "bearer")
      throw new SourceAuthError(
        `${where} issued a token of type "${String(type)}"; only Bearer is supported`,
      );
    this.issued.push(token);
    const expiresIn = Number(json.expires_in);
    const now = this.t.now();
    let refreshAt = Number.POSITIVE_INFINITY;
    if (json.expires_in !== undefined && Number.isFinite(expiresIn) && expiresIn > 0) {
      const lifetime = expiresIn * 1000;
      refreshAt = now + lifetime - Math.min(60_000, lifetime / 10);
    }
    this.cached = { value: token, refreshAt };
    return token;
  }

  /** ` invalid_client: <description>` from an RFC 6749 §5.2 error body, redacted; "" otherwise. */
  private oauthError(text: string): string {
    try {
      const j = JSON.parse(text) as { error?: unknown; error_description?: unknown };
      if (typeof j.error !== "string") return "";
      const desc = typeof j.error_description === "string" ? `: ${j.error_description.slice(0, 200)}` : "";
      const secrets = [this.client.clientSecret, ...this.issued].flatMap(secretForms);
      return ` ${redactValues(`${j.error.slice(0, 60)}${desc}`, secrets)}`;
    } catch {
      return "";
    }
  }
}
