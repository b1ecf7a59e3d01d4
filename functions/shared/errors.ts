/**
 * Typed error base of every pipeline function (ingest, curate, reconcile). Callers and handlers
 * match on classes and on `retryable`, never on SDK error names or message text.
 */
export class PipelineError extends Error {
  /** Whether running again later may succeed (network, throttling, time, a lease held by another run). */
  readonly retryable: boolean = false;
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options);
    this.name = new.target.name;
    if (options?.retryable !== undefined) this.retryable = options.retryable;
  }
}

/** A storage adapter failed (S3, DynamoDB, Secrets Manager). Retryable unless said otherwise. */
export class StorageError extends PipelineError {
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, { retryable: true, ...options });
  }
}

/** The function's environment (variables set by the infrastructure) is missing or malformed. */
export class EnvironmentError extends PipelineError {}

/** Whether `e` is an SDK error of one of these names (`e.name`), e.g. "ResourceNotFoundException". */
export function isSdkError(e: unknown, ...names: string[]): boolean {
  return typeof e === "object" && e !== null && names.includes((e as { name?: string }).name ?? "");
}
