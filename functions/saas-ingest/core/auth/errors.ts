import { IngestError } from "../errors";

/** Credentials could not be read or were refused by the token endpoint; names the field, never the value. */
export class SourceAuthError extends IngestError {
  override readonly retryable: boolean;
  constructor(message: string, retryable = false, options?: { cause?: unknown }) {
    super(message, options);
    this.retryable = retryable;
  }
}
