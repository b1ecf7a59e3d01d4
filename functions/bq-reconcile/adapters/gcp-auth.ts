/**
 * Keyless GCP access from AWS: an external-account credential configuration (no key material) is
 * turned into a google-auth-library client that signs GetCallerIdentity with the function's AWS
 * credentials, exchanges it at Google STS through the WIF `aws` provider, and impersonates the
 * reconcile service account. `authenticate` runs the steps up front so a failure names its step.
 */
import {
  type AwsClient,
  type BaseExternalAccountClient,
  ExternalAccountClient,
  gaxios,
} from "google-auth-library";
import type { ExternalAccountConfig } from "../core/credential-config";
import type { GcpAuthStep } from "../core/errors";

export {
  type ExternalAccountConfig,
  type ExternalAccountParams,
  externalAccountConfig,
} from "../core/credential-config";

/**
 * The auth client, on Node's own fetch for every step (gaxios would otherwise load node-fetch
 * through a dynamic import, which neither needs bundling nor works in Jest's VM).
 */
export function externalAccountClient(config: ExternalAccountConfig): BaseExternalAccountClient {
  const transporter = new gaxios.Gaxios({ fetchImplementation: globalThis.fetch });
  const client = ExternalAccountClient.fromJSON({
    ...config,
    scopes: ["https://www.googleapis.com/auth/bigquery"],
    transporter,
  });
  if (!client) throw new Error("GOOGLE_EXTERNAL_ACCOUNT is not an external account configuration");
  // The STS exchange has its own transporter (not taken from the options).
  const sts = (client as unknown as { stsCredential?: { transporter: unknown } }).stsCredential;
  if (sts) sts.transporter = transporter;
  return client;
}

export class GcpAuthStepError extends Error {
  constructor(
    readonly step: GcpAuthStep,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Obtains an access token step by step; a failure is a `GcpAuthStepError` naming the step:
 * - `aws-signature`: no AWS credentials or region to sign GetCallerIdentity with;
 * - `sts-exchange`: Google STS refused the signed request (audience, attribute condition, clock);
 * - `impersonation`: the federated principal may not impersonate the service account.
 */
export async function authenticate(client: BaseExternalAccountClient): Promise<void> {
  try {
    await (client as AwsClient).retrieveSubjectToken();
  } catch (e) {
    throw new GcpAuthStepError("aws-signature", (e as Error).message, { cause: e });
  }
  try {
    await client.getAccessToken();
  } catch (e) {
    const url = String((e as { config?: { url?: unknown } }).config?.url ?? "");
    const step: GcpAuthStep = url.includes(":generateAccessToken") ? "impersonation" : "sts-exchange";
    const status = (e as { status?: number; response?: { status?: number } }).response?.status;
    throw new GcpAuthStepError(step, `${status ? `HTTP ${status}: ` : ""}${(e as Error).message}`, {
      cause: e,
    });
  }
}
