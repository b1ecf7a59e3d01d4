/**
 * The settings item of one ingestion source (`pk = "source#<id>"`, `sk = "config"`), and its
 * validation. Shared by the Lambda (validates what it reads) and the infrastructure (validates
 * the typed source files before Terraform writes them as table items).
 */
import { z } from "zod";
import { IngestError } from "./errors";

const nonEmpty = z.string().min(1, "must not be empty");
const stringMap = z.record(z.string(), z.string());
const secretId = nonEmpty.describe("Secrets Manager secret id or ARN");
const queryParam = nonEmpty.describe("query parameter name");
/** Token endpoints get credentials: https only, except on loopback for local runs. */
const tokenUrl = z.url({ protocol: /^https?$/, error: "must be an absolute https URL" }).refine((u) => {
  const url = new URL(u);
  return url.protocol === "https:" || ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}, "must be https (http only on localhost)");

// Auth entries are strict: a secret pasted into the item (password, token, clientSecret …) is
// refused, naming the key, instead of being dropped silently or stored in the table.
export const authSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("none") }),
  z.strictObject({ type: z.literal("bearer"), secretId }),
  z.strictObject({
    type: z.literal("header"),
    headerName: z.string().regex(/^[A-Za-z0-9-]+$/, "must be an HTTP header name"),
    secretId,
  }),
  // HTTP Basic; the secret is JSON { "username", "password" } (Zendesk: "<email>/token" + API token).
  z.strictObject({ type: z.literal("basic"), secretId }),
  // API key as a query parameter of every request; the key is redacted from logs, errors and metrics.
  z.strictObject({ type: z.literal("query"), param: queryParam, secretId }),
  // OAuth 2.0 client credentials (RFC 6749 §4.4); the secret is JSON { "clientId", "clientSecret" }.
  z.strictObject({
    type: z.literal("oauth2-client-credentials"),
    tokenUrl: tokenUrl,
    secretId,
    scope: nonEmpty.optional(),
    audience: nonEmpty.optional(),
    /** How the client authenticates at the token endpoint. @default "body" (client_id/client_secret form fields) */
    clientAuth: z.enum(["body", "basic"]).default("body"),
  }),
]);

export const paginationSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }),
  z.object({ type: z.literal("cursor"), cursorPath: nonEmpty, param: nonEmpty }),
  z.object({ type: z.literal("page"), param: nonEmpty, start: z.number().int().default(1) }),
  z.object({
    type: z.literal("offset"),
    param: nonEmpty,
    limitParam: nonEmpty,
    limit: z.number().int().min(1).max(100_000),
  }),
  z.object({ type: z.literal("link") }),
  // The next page's URL at a dot path of the body (absolute or relative), followed as given.
  z.object({ type: z.literal("next-url"), path: nonEmpty, stopPath: nonEmpty.optional() }),
  // The next cursor in a response header, sent back as a query parameter.
  z.object({
    type: z.literal("header-cursor"),
    header: z.string().regex(/^[A-Za-z0-9-]+$/, "must be an HTTP header name"),
    param: queryParam,
  }),
  // `param=<field of the last record>` (Stripe's starting_after); ends on an empty page or hasMorePath false.
  z.object({
    type: z.literal("last-record"),
    field: nonEmpty,
    param: queryParam,
    hasMorePath: nonEmpty.optional(),
  }),
]);

export const sourceSettingsSchema = z.object({
  enabled: z.boolean(),
  request: z.object({
    url: z.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" }),
    query: stringMap.optional(),
    headers: stringMap.optional(),
  }),
  auth: authSchema,
  records: z.object({ path: z.string() }),
  pagination: paginationSchema,
  incremental: z.object({ cursorField: nonEmpty, param: nonEmpty, initial: z.string() }).optional(),
  primaryKey: nonEmpty.optional(),
  target: z.object({
    prefix: z
      .string()
      .regex(
        /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/,
        "must be an S3 key prefix without leading/trailing slash",
      ),
  }),
  /** EventBridge Scheduler expression, e.g. `cron(0 3 * * ? *)` or `rate(1 hour)`. */
  schedule: z
    .string()
    .regex(
      /^(cron\(.+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/,
      "must be cron(...) or rate(...)",
    )
    .optional(),
  /** IANA timezone of the schedule. @default "Asia/Tokyo" */
  scheduleTimezone: z.string().default("Asia/Tokyo"),
});

export type SourceSettings = z.output<typeof sourceSettingsSchema>;
export type SourceSettingsInput = z.input<typeof sourceSettingsSchema>;

export class InvalidSettingsError extends IngestError {
  constructor(
    readonly sourceId: string,
    readonly problems: string[],
  ) {
    super(`Invalid settings for source "${sourceId}": ${problems.join("; ")}`);
  }
}

/** Validates a settings item; throws InvalidSettingsError naming every bad field. */
export function parseSourceSettings(sourceId: string, item: unknown): SourceSettings {
  const parsed = sourceSettingsSchema.safeParse(item, { reportInput: true });
  if (parsed.success) return parsed.data;
  throw new InvalidSettingsError(
    sourceId,
    parsed.error.issues.map((i) => {
      const field = i.path.map(String).join(".") || "(item)";
      return `${field}: ${i.message}`;
    }),
  );
}
