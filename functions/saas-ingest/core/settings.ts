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
    /** Dot path of the total record count in the body, if the API declares one (ends paging early). */
    totalPath: nonEmpty.optional(),
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

/** Loopback hosts: the only ones an `http://` URL may name (local stand-ins; the runtime also needs ALLOW_HTTP_LOOPBACK=true). */
export const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** https, or http to a loopback host (local stand-ins only). */
const sourceUrl = z.url({ protocol: /^https?$/, error: "must be an absolute https URL" }).refine((u) => {
  if (!URL.canParse(u)) return true; // already reported as not a URL
  const url = new URL(u);
  return url.protocol !== "http:" || LOOPBACK_HOSTS.has(url.hostname);
}, "must use https (http only to a loopback host, for local stand-ins)");

const origin = z
  .url({ protocol: /^https?$/, error: "must be an origin like https://api2.example.com" })
  .refine(
    (u) => !URL.canParse(u) || new URL(u).origin === u.replace(/\/$/, ""),
    "must be an origin (scheme://host[:port]) without a path",
  );

/**
 * Per-page and per-run limits: each one, when exceeded, fails the run (nothing published) with an
 * error naming the limit. Defaults fit a 512 MB Lambda; raise them per source when a source needs it.
 */
export const limitsSchema = z
  .object({
    /** Bytes of one page's body after decompression. @default 100 MiB */
    maxPageBytes: z
      .number()
      .int()
      .min(1024)
      .default(100 * 1024 * 1024),
    /** Records of one page. @default 1,000,000 */
    maxPageRecords: z.number().int().min(1).default(1_000_000),
    /** Pages per run. @default 100,000 */
    maxPages: z.number().int().min(1).default(100_000),
    /** Records per run. @default 50,000,000 */
    maxRecords: z.number().int().min(1).default(50_000_000),
    /** Body bytes per run (after decompression). @default 20 GiB */
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .default(20 * 1024 ** 3),
    /** Consecutive pages without records that still point to a next page. @default 10 */
    maxConsecutiveEmptyPages: z.number().int().min(1).default(10),
  })
  .default({
    maxPageBytes: 100 * 1024 * 1024,
    maxPageRecords: 1_000_000,
    maxPages: 100_000,
    maxRecords: 50_000_000,
    maxBytes: 20 * 1024 ** 3,
    maxConsecutiveEmptyPages: 10,
  });

export const incrementalSchema = z.object({
  cursorField: nonEmpty,
  param: nonEmpty,
  initial: z.string(),
  /**
   * How cursor values compare: "timestamp" (ISO 8601, compared as instants), "number", or
   * "string" (code-unit order). Required: a guess is how one "N/A" used to become the watermark.
   */
  cursorType: z.enum(["timestamp", "number", "string"]),
  /**
   * A record whose cursor is missing, null or not of cursorType: "fail" the run naming the record's
   * key and value (default), or "skip" it (counted as `badCursor` in the summary, never written,
   * never the watermark).
   */
  onBadCursor: z.enum(["fail", "skip"]).default("fail"),
});

export const sourceSettingsSchema = z
  .object({
    enabled: z.boolean(),
    request: z.object({
      url: sourceUrl,
      query: stringMap.optional(),
      headers: stringMap.optional(),
      /**
       * Origins besides the first page's to which next links and redirects may lead. Credentials go
       * to the first page's origin and to these for next links; a redirect that changes origin is
       * always followed without credentials.
       */
      allowedOrigins: z.array(origin).optional(),
    }),
    auth: authSchema,
    records: z.object({ path: z.string() }),
    pagination: paginationSchema,
    incremental: incrementalSchema.optional(),
    /** Field whose value identifies a record. Required with `incremental` (boundary de-duplication). */
    primaryKey: nonEmpty.optional(),
    limits: limitsSchema,
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
    scheduleTimezone: z
      .string()
      .refine(validTimeZone, "must be an IANA time zone such as Asia/Tokyo or UTC")
      .default("Asia/Tokyo"),
    /**
     * The `dt` partition a run writes when the event names no runDate, in `scheduleTimezone`:
     * "local-yesterday" (default: a nightly batch after midnight loads the business day that just
     * ended), "local-today", or "utc-today".
     */
    runDate: z.enum(["utc-today", "local-today", "local-yesterday"]).default("local-yesterday"),
  })
  .superRefine((s, ctx) => {
    if (s.incremental && !s.primaryKey)
      ctx.addIssue({
        code: "custom",
        path: ["primaryKey"],
        message: "required with incremental (records sharing the boundary cursor are de-duplicated by it)",
      });
    if (s.incremental && !cursorParses(s.incremental.cursorType, s.incremental.initial))
      ctx.addIssue({
        code: "custom",
        path: ["incremental", "initial"],
        message: `must be a ${s.incremental.cursorType} (got ${JSON.stringify(s.incremental.initial)})`,
      });
  });

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Whether `v` is a valid cursor of this type (see core/incremental.ts for the comparison). */
export function cursorParses(type: "timestamp" | "number" | "string", v: string): boolean {
  if (type === "string") return true;
  if (type === "number") return v.trim() !== "" && Number.isFinite(Number(v));
  return ISO_TIMESTAMP.test(v) && !Number.isNaN(Date.parse(v));
}

/** ISO 8601 date or date-time (offset optional), as APIs send `updated_at`. */
export const ISO_TIMESTAMP =
  /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

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
