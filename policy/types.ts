/** The policy pack's model: rules over the synthesized Terraform JSON of each stack. */

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped by nature
export type Json = any;

export interface Finding {
  /** Terraform address, e.g. `aws_s3_bucket.data-lake_raw_bucket_1234`, or `provider.aws`. */
  address: string;
  /** What exactly is wrong, when the rule's description is not enough. */
  detail?: string;
}

export interface RuleContext {
  readonly stack: string;
  /** Stack protects its data (`"//".protection` is standard or strict; every environment stack records it; a stack without it, e.g. a rule example: name ends in `-prod`). */
  readonly isProd: boolean;
  readonly json: Json;
  /** [name, body] of every resource of a type. */
  resources(type: string): Array<[string, Json]>;
  /** Resources of `type` whose attribute `attr` references `${targetType}.${targetName}`. */
  referencing(type: string, attr: string, targetType: string, targetName: string): Array<[string, Json]>;
}

export interface Rule {
  /** Stable id, e.g. `S3.8` style ids prefixed by service: `AWS-S3-PUBLIC-ACCESS-BLOCK`. */
  id: string;
  /** Public control this rule follows (FSBP, CIS, Checkov), or "project". */
  source: string;
  /** One line: what must hold and why. */
  description: string;
  /** How to fix a violation. */
  fix: string;
  check(ctx: RuleContext): Finding[];
  /** Minimal stacks for the rule's own test: one compliant, one not. */
  examples: { compliant: Json; nonCompliant: Json; stack?: string };
}

export interface Suppression {
  rule: string;
  reason: string;
}

export interface Violation {
  rule: string;
  stack: string;
  address: string;
  path: string;
  message: string;
  fix: string;
}

export interface PolicyReport {
  rules: Array<{ id: string; source: string; description: string }>;
  violations: Violation[];
  suppressions: Array<{ rule: string; stack: string; resource: string; path: string; reason: string }>;
}
