/**
 * Secrets for pipeline functions: the `SecretResolver` port and its Secrets Manager adapter through
 * Powertools Parameters (cached, 5 min by default). A secret that does not exist, or that the
 * role may not read, is a non-retryable `StorageError` (retrying cannot create it); throttling and
 * network errors stay retryable.
 */

import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { StorageError } from "./errors";

export interface SecretResolver {
  get(secretId: string): Promise<string>;
}

/** Secrets Manager error names that retrying cannot fix. */
const PERMANENT = new Set([
  "ResourceNotFoundException",
  "AccessDeniedException",
  "DecryptionFailure",
  "InvalidRequestException",
  "InvalidParameterException",
  "ValidationException",
]);

export class SecretsManagerResolver implements SecretResolver {
  private readonly provider: SecretsProvider;

  constructor(
    client: SecretsManagerClient = new SecretsManagerClient({}),
    private readonly maxAgeSeconds = 300,
  ) {
    this.provider = new SecretsProvider({ awsSdkV3Client: client });
  }

  async get(secretId: string): Promise<string> {
    let value: unknown;
    try {
      value = await this.provider.get(secretId, { maxAge: this.maxAgeSeconds });
    } catch (e) {
      const root = rootCause(e);
      const permanent = PERMANENT.has(root.name);
      throw new StorageError(
        `Secrets Manager: cannot read secret "${secretId}": ${root.name}: ${root.message}${permanent ? " (not retryable: create the secret or grant access)" : ""}`,
        { cause: e, retryable: !permanent },
      );
    }
    if (typeof value !== "string" || value === "")
      throw new StorageError(`Secrets Manager: secret "${secretId}" has no string value`, {
        retryable: false,
      });
    return value;
  }
}

/** Powertools wraps SDK errors (GetParameterError with `cause`); the SDK error's name is what counts. */
function rootCause(e: unknown): Error {
  let cur = e as Error & { cause?: unknown };
  for (let i = 0; i < 5 && cur?.cause instanceof Error; i++) cur = cur.cause as Error & { cause?: unknown };
  return cur instanceof Error ? cur : new Error(String(e));
}
