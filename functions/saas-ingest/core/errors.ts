/** Typed errors of the ingestion function. Callers match on classes, never on SDK error names. */
export class IngestError extends Error {
  /** Whether running again later may succeed (network, throttling, time). */
  readonly retryable: boolean = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class InvalidEventError extends IngestError {}

export class SourceNotFoundError extends IngestError {
  constructor(readonly sourceId: string) {
    super(`Unknown sourceId "${sourceId}": no settings item pk="source#${sourceId}", sk="config"`);
  }
}

export class SourceDisabledError extends IngestError {
  constructor(readonly sourceId: string) {
    super(`Source "${sourceId}" is disabled (enabled: false); nothing was run`);
  }
}

/** The source answered in a way retrying cannot fix (4xx other than 429), or retries ran out. */
export class SourceHttpError extends IngestError {
  override readonly retryable: boolean;
  constructor(
    message: string,
    readonly url: string,
    readonly status: number | undefined,
    readonly attempts: number,
    retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.retryable = retryable;
  }
}

/** The body did not hold what the settings say (records path not an array, ...). */
export class SourceShapeError extends IngestError {}

/** Stopped cleanly before the Lambda ran out of time; nothing was committed. */
export class OutOfTimeError extends IngestError {
  override readonly retryable = true;
}

/** Another run of the same source holds the lease. */
export class ConcurrentRunError extends IngestError {
  override readonly retryable = true;
}

/** A storage adapter failed (S3, DynamoDB, Secrets Manager). */
export class StorageError extends IngestError {
  override readonly retryable = true;
}
