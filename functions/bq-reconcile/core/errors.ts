/**
 * Typed errors of a reconciliation. Each names the check and the table it was reading, so an alarm
 * or a report line says what to look at; none of them is ever reported as "0 rows".
 */
import { PipelineError } from "../../shared/errors";

/** What a failed check was doing. */
export type ReconcileErrorKind =
  | "gcp-auth"
  | "table-not-found"
  | "permission-denied"
  | "bytes-billed-limit"
  | "query-failed";

export class ReconcileError extends PipelineError {
  readonly kind: ReconcileErrorKind = "query-failed";
  constructor(
    readonly checkId: string,
    /** `bigquery:<project>.<dataset>.<table>` or `athena:<database>.<table>`. */
    readonly table: string,
    message: string,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(`check ${checkId} (${table}): ${message}`, options);
  }
}

/** The step of keyless GCP authentication that failed. */
export type GcpAuthStep = "aws-signature" | "sts-exchange" | "impersonation";

export class GcpAuthError extends ReconcileError {
  override readonly kind = "gcp-auth";
  constructor(
    checkId: string,
    table: string,
    readonly step: GcpAuthStep,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(checkId, table, `GCP authentication failed at ${GCP_AUTH_STEP_TEXT[step]}: ${detail}`, options);
  }
}

export const GCP_AUTH_STEP_TEXT: Record<GcpAuthStep, string> = {
  "aws-signature": "the AWS signature step (signing GetCallerIdentity with the function's AWS credentials)",
  "sts-exchange": "the Google STS token exchange (Workload Identity Federation provider)",
  impersonation: "service account impersonation (iamcredentials generateAccessToken)",
};

export class TableNotFoundError extends ReconcileError {
  override readonly kind = "table-not-found";
}
export class PermissionDeniedError extends ReconcileError {
  override readonly kind = "permission-denied";
}
export class BytesBilledLimitError extends ReconcileError {
  override readonly kind = "bytes-billed-limit";
}
/** The run itself is invalid (unknown check id, malformed run date): nothing is recorded. */
export class ReconcileInputError extends PipelineError {}
