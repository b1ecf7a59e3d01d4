/** The ops CLI's own refusals (exit 1 with the message, no stack). Light: no config, no SDK. */
export class OpsError extends Error {
  override name = "OpsError";
}
