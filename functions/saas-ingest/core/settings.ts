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

export const authSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }),
  z.object({ type: z.literal("bearer"), secretId }),
  z.object({
    type: z.literal("header"),
    headerName: z.string().regex(/^[A-Za-z0-9-]+$/, "must be an HTTP header name"),
    secretId,
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
