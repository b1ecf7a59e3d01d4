/**
 * How much an environment protects its data from deletion, as one typed setting instead of tests
 * of the name "prod". Every place that used to ask "is this prod?" asks this table:
 *
 * | effect                                        | none   | standard | strict |
 * |-----------------------------------------------|--------|----------|--------|
 * | S3 data buckets may set force_destroy         | config | no       | no     |
 * | Athena workgroup force_destroy                | yes    | yes      | no     |
 * | DynamoDB deletion protection                  | off    | on       | on     |
 * | BigQuery delete_contents_on_destroy           | yes    | no       | no     |
 * | policy rules that require deletion protection | skip   | apply    | apply  |
 * | log retention at least 365 days               | no     | no       | yes    |
 * | `prevent_destroy` on resources holding data   | no     | no       | yes    |
 *
 * Data modules take `protection` as a typed prop (default `DEFAULT_PROTECTION`) and read this table.
 */
export const PROTECTION_LEVELS = ["none", "standard", "strict"] as const;
export type Protection = (typeof PROTECTION_LEVELS)[number];

export interface ProtectionSettings {
  /** Data buckets may be emptied by `destroy` (when the environment's config asks for it). */
  allowForceDestroyData: boolean;
  /** Athena workgroup (saved queries, history) deleted with the stack. */
  athenaForceDestroy: boolean;
  /** DynamoDB tables refuse deletion. */
  deletionProtection: boolean;
  /** BigQuery datasets deleted with their tables. */
  deleteContentsOnDestroy: boolean;
  /** Minimum CloudWatch Logs retention, days. */
  minLogRetentionDays: number;
  /**
   * `lifecycle.prevent_destroy` on resources that hold data (buckets, KMS keys, tables, Glue
   * databases, Timestream, BigQuery datasets, the state store): a plan that would destroy one fails.
   */
  preventDestroy: boolean;
}

/** What a data module assumes when no protection level is passed. */
export const DEFAULT_PROTECTION: Protection = "standard";

export const PROTECTION: Record<Protection, ProtectionSettings> = {
  none: {
    allowForceDestroyData: true,
    athenaForceDestroy: true,
    deletionProtection: false,
    deleteContentsOnDestroy: true,
    minLogRetentionDays: 1,
    preventDestroy: false,
  },
  standard: {
    allowForceDestroyData: false,
    athenaForceDestroy: true,
    deletionProtection: true,
    deleteContentsOnDestroy: false,
    minLogRetentionDays: 1,
    preventDestroy: false,
  },
  strict: {
    allowForceDestroyData: false,
    athenaForceDestroy: false,
    deletionProtection: true,
    deleteContentsOnDestroy: false,
    minLogRetentionDays: 365,
    preventDestroy: true,
  },
};

/** Stack metadata key the policy rules read the level from (`"//": { protection }`). */
export const PROTECTION_METADATA_KEY = "protection";

/** The settings of `protection`, or of `DEFAULT_PROTECTION` when unset. */
export const protectionOf = (protection?: Protection): ProtectionSettings =>
  PROTECTION[protection ?? DEFAULT_PROTECTION];

/**
 * The `lifecycle` of a resource holding data: `{ preventDestroy: true }` under `strict`, else
 * nothing (no `lifecycle` block in the synthesized JSON).
 */
export const dataLifecycle = (protection?: Protection): { preventDestroy: true } | undefined =>
  protectionOf(protection).preventDestroy ? { preventDestroy: true } : undefined;
