/**
 * Request authentication, one scheme per `auth.type`. Every secret comes from Secrets Manager
 * (through the SecretResolver port), never from the settings item, and every value read is
 * reported by `secrets()` so callers redact it wherever it could surface.
 *
 * | type                       | secret value                         | on each request                       |
 * |----------------------------|--------------------------------------|---------------------------------------|
 * | none                       | —                                    | —                                     |
 * | bearer                     | the token                            | `Authorization: Bearer <token>`       |
 * | header                     | the value                            | `<headerName>: <value>`               |
 * | basic                      | JSON `{ "username", "password" }`    | `Authorization: Basic <base64>`       |
 * | query                      | the API key                          | `?<param>=<key>` on every URL         |
 * | oauth2-client-credentials  | JSON `{ "clientId", "clientSecret" }`| `Authorization: Bearer <access token>`; token cached per run, refreshed once on a 401 |
 */
import { withParams } from "../pagination/params";
import type { SecretResolver } from "../ports";
import type { SourceSettings } from "../settings";
import { SourceAuthError } from "./errors";
import { OAuth2ClientCredentials, type TokenTransport } from "./oauth2";
import { secretForms } from "./redact";

export { SourceAuthError } from "./errors";

export interface AuthorizedRequest {
  url: string;
  headers: Record<string, string>;
}

export interface RequestAuth {
  /** The request with credentials added (headers and/or query). */
  apply(url: string, headers: Record<string, string>): Promise<AuthorizedRequest>;
  /**
   * Called after a 401: drops cached credentials and obtains new ones. False when the scheme has
   * nothing to refresh (static secrets), so the 401 stands.
   */
  refresh(): Promise<boolean>;
  /** Every secret value in use so far, in each wire form (for redaction by value). */
  secrets(): string[];
}

type Auth = SourceSettings["auth"];

export async function createAuth(
  auth: Auth,
  secrets: SecretResolver,
  transport: TokenTransport,
): Promise<RequestAuth> {
  switch (auth.type) {
    case "none":
      return staticAuth([], (url, headers) => ({ url, headers }));
    case "bearer": {
      const token = await readSecret(secrets, auth.secretId);
      return staticAuth([token], (url, headers) => ({
        url,
        headers: { ...headers, authorization: `Bearer ${token}` },
      }));
    }
    case "header": {
      const value = await readSecret(secrets, auth.secretId);
      return staticAuth([value], (url, headers) => ({
        url,
        headers: { ...headers, [auth.headerName]: value },
      }));
    }
    case "basic": {
      const { username, password } = await readJsonSecret(secrets, auth.secretId, ["username", "password"]);
      const encoded = Buffer.from(`${username}:${password}`, "utf8").toString("base64");
      return staticAuth([password, encoded], (url, headers) => ({
        url,
        headers: { ...headers, authorization: `Basic ${encoded}` },
      }));
    }
    case "query": {
      const key = await readSecret(secrets, auth.secretId);
      return staticAuth([key], (url, headers) => ({ url: withParams(url, { [auth.param]: key }), headers }));
    }
    case "oauth2-client-credentials": {
      const { clientId, clientSecret } = await readJsonSecret(secrets, auth.secretId, [
        "clientId",
        "clientSecret",
      ]);
      const client = new OAuth2ClientCredentials(auth, { clientId, clientSecret }, transport);
      return {
        async apply(url, headers) {
          return { url, headers: { ...headers, authorization: `Bearer ${await client.token()}` } };
        },
        async refresh() {
          client.invalidate();
          await client.token();
          return true;
        },
        secrets: () => [clientSecret, ...client.issuedTokens()].flatMap(secretForms),
      };
    }
  }
}

function staticAuth(
  values: string[],
  apply: (url: string, headers: Record<string, string>) => AuthorizedRequest,
): RequestAuth {
  const forms = values.flatMap(secretForms);
  return {
    apply: async (url, headers) => apply(url, headers),
    refresh: async () => false,
    secrets: () => forms,
  };
}

/** The secret's value without surrounding whitespace (a trailing newline is a common paste slip). */
async function readSecret(secrets: SecretResolver, secretId: string): Promise<string> {
  const value = (await secrets.get(secretId)).trim();
  if (value === "") throw new SourceAuthError(`auth.secretId: secret "${secretId}" is empty`);
  return value;
}

/** Reads a JSON secret with the given string fields; errors name the secret and field, never a value. */
async function readJsonSecret<K extends string>(
  secrets: SecretResolver,
  secretId: string,
  fields: K[],
): Promise<Record<K, string>> {
  const raw = await secrets.get(secretId);
  const shape = `JSON { ${fields.map((f) => `"${f}": "…"`).join(", ")} }`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new SourceAuthError(`auth.secretId: secret "${secretId}" must be ${shape} (it is not JSON)`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new SourceAuthError(`auth.secretId: secret "${secretId}" must be ${shape} (it is not an object)`);
  const out = {} as Record<K, string>;
  const bad: string[] = [];
  for (const f of fields) {
    const v = (parsed as Record<string, unknown>)[f];
    if (typeof v !== "string" || v === "") bad.push(f);
    else out[f] = v;
  }
  if (bad.length > 0)
    throw new SourceAuthError(
      `auth.secretId: secret "${secretId}" must be ${shape} (${bad.join(", ")} missing or not a non-empty string)`,
    );
  return out;
}
