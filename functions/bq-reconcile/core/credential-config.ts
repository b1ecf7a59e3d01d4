/**
 * The external-account credential configuration of the reconcile Lambda (pure: the stacks
 * synthesize it without loading the Google libraries). It holds no secret: it names the WIF
 * provider (audience) and the service account; the credential is the Lambda's own short-lived
 * AWS session, read at run time.
 */
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
