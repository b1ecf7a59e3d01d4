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
import type { GcpAuthStep } from "../core/errors";

export interface ExternalAccountConfig {
  type: "external_account";
  audience: string;
  subject_token_type: "urn:ietf:params:aws:token-type:aws4_request";
  token_url: string;
  service_account_impersonation_url: string;
  credential_source: {
    environment_id: "aws1";
    regional_cred_verification_url: string;
  };
}

export interface ExternalAccountParams {
  /** GCP project number (WIF audiences use the number, not the id). */
  projectNumber: string;
  poolId: string;
  providerId: string;
  serviceAccountEmail: string;
  /** Overrides for local stand-ins. @default Google's endpoints */
  stsUrl?: string;
  iamCredentialsUrl?: string;
}

/**
 * The credential configuration the Lambda gets (environment variable `GOOGLE_EXTERNAL_ACCOUNT`).
 * It names where to exchange and whom to impersonate; the secret part is the Lambda's own,
 * short-lived AWS credentials, read from its environment at run time.
 */
export function externalAccountConfig(p: ExternalAccountParams): ExternalAccountConfig {
  const iam = p.iamCredentialsUrl ?? "https://iamcredentials.googleapis.com";
  return {
    type: "external_account",
    audience: `//iam.googleapis.com/projects/${p.projectNumber}/locations/global/workloadIdentityPools/${p.poolId}/providers/${p.providerId}`,
    subject_token_type: "urn:ietf:params:aws:token-type:aws4_request",
    token_url: p.stsUrl ?? "https://sts.googleapis.com/v1/token",
    service_account_impersonation_url: `${iam}/v1/projects/-/serviceAccounts/${p.serviceAccountEmail}:generateAccessToken`,
    credential_source: {
      environment_id: "aws1",
      regional_cred_verification_url:
        "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15",
    },
  };
}

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
