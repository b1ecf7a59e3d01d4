/**
 * Source credentials: the headers an auth type sends, and every secret value the run must redact.
 * Secret values come from the SecretResolver (Secrets Manager), never from the settings item.
 * Credentials are sent only to trusted origins (see origin.ts); to add an auth type, add its
 * settings to `authSchema` (settings.ts) and a case here returning its headers and secret values.
 */
import type { SecretResolver } from "./ports";
import type { SourceSettings } from "./settings";

export interface Credentials {
  /** Headers carrying the credential (dropped on any origin change). */
  headers: Record<string, string>;
  /** Secret values to redact from every error and log line. */
  secrets: string[];
}

export async function resolveCredentials(
  auth: SourceSettings["auth"],
  resolver: SecretResolver,
): Promise<Credentials> {
  switch (auth.type) {
    case "none":
      return { headers: {}, secrets: [] };
    case "bearer": {
      const value = await resolver.get(auth.secretId);
      return { headers: { authorization: `Bearer ${value}` }, secrets: [value] };
    }
    case "header": {
      const value = await resolver.get(auth.secretId);
      return { headers: { [auth.headerName]: value }, secrets: [value] };
    }
  }
}
