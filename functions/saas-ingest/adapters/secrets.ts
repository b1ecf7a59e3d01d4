/** SecretResolver on Secrets Manager through Powertools Parameters (cached, 5 min). */

import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { StorageError } from "../core/errors";
import type { SecretResolver } from "../core/ports";

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
      throw new StorageError(`Secrets Manager: cannot read secret "${secretId}": ${(e as Error).message}`, {
        cause: e,
      });
    }
    if (typeof value !== "string" || value === "")
      throw new StorageError(`Secrets Manager: secret "${secretId}" has no string value`);
    return value;
  }
}
