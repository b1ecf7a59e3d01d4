/** Typed errors of the curate runner. Callers match on classes, never on SDK error names. */
import { PipelineError } from "../../shared/errors";

export { StorageError } from "../../shared/errors";

/** Base of the curate runner's own errors (a PipelineError: `retryable` says whether to try again). */
export class CurateError extends PipelineError {}

export class InvalidEventError extends CurateError {}
export class SqlError extends CurateError {}

export class UnknownTransformError extends CurateError {
  constructor(readonly transform: string) {
    super(`Unknown transform "${transform}": no settings item pk="transform#${transform}", sk="config"`);
  }
}

/** A data check failed on the staged rows; nothing was committed. */
export class CheckFailedError extends CurateError {
  constructor(
    readonly transform: string,
    readonly runDate: string,
    readonly failures: ReadonlyArray<{ name: string; column?: string; badRows: number; detail?: string }>,
  ) {
    super(
      `${transform} ${runDate}: check failed, nothing committed: ${failures
        .map(
          (f) =>
            `${f.name}${f.column ? ` column ${f.column}` : ""}: ${f.badRows} bad row(s)${f.detail ? ` (${f.detail})` : ""}`,
        )
        .join("; ")}`,
    );
  }
}

/** A query ended in FAILED or CANCELLED. */
export class QueryFailedError extends CurateError {
  constructor(
    message: string,
    readonly queryExecutionId?: string,
  ) {
    super(message);
  }
}

/** Another run of the same transform and date holds the lease. */
export class ConcurrentRunError extends CurateError {
  override readonly retryable = true;
}
