/** Typed errors of the ingestion function. Callers match on classes, never on SDK error names. */
import { PipelineError } from "../../shared/errors";

export { StorageError } from "../../shared/errors";

/** Base of the ingestion function's own errors (a PipelineError: `retryable` says whether to try again). */
export class IngestError extends PipelineError {}

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
