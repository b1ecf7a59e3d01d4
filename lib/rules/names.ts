/**
 * Name rules the clouds enforce at apply time, checked at synth. Lengths from each service's API
 * reference (IAM CreateRole RoleName 64, Scheduler CreateSchedule Name 64, S3 bucket 3-63, Lambda
 * FunctionName 64, SQS QueueName 80, Glue database/table 255, CloudWatch log group 512, BigQuery
 * dataset 1024 / table 1024, GCP service account id 6-30, Step Functions state machine 80,
 * EventBridge rule 64, CloudWatch alarm 255, SNS topic 256, GCP WIF pool id 4-32).
 */
export const NAME_LIMITS = {
  iamRole: 64,
  iamPolicy: 128,
  schedule: 64,
  scheduleGroup: 64,
  bucket: 63,
  lambdaFunction: 64,
  sqsQueue: 80,
  glueDatabase: 255,
  glueTable: 255,
  logGroup: 512,
  dynamodbTable: 255,
  kmsAlias: 256,
  bigqueryDataset: 1024,
  bigqueryTable: 1024,
  gcpServiceAccountId: 30,
  stateMachine: 80,
  eventRule: 64,
  alarm: 255,
  snsTopic: 256,
  wifPool: 32,
  wifProvider: 32,
  athenaWorkgroup: 128,
  timestream: 256,
  securityGroup: 255,
  instanceProfile: 128,
  gcpKms: 63,
} as const;
export type NamedKind = keyof typeof NAME_LIMITS;

/** Why `name` is too long for `kind`, or `undefined`. */
export function nameLengthProblem(kind: NamedKind, name: string): string | undefined {
  const max = NAME_LIMITS[kind];
  return name.length > max
    ? `${kind} name "${name}" is ${name.length} characters (at most ${max})`
    : undefined;
}

/**
 * The EventBridge Scheduler schedule of one entry (a source, a transform): `<owner>-<id>`, where
 * the owner is the function or state machine it starts. At most 64 characters (checked by config).
 */
export const scheduleName = (owner: string, id: string) => `${owner}-${id}`;

/** S3 bucket naming rules (general purpose buckets). Returns the reason a name is invalid. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `"${name}" is ${name.length} characters (S3 allows 3-63)`;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) {
    return `"${name}" may hold only lowercase letters, digits, dots and hyphens, and start/end with a letter or digit`;
  }
  if (/\.\.|\.-|-\./.test(name)) return `"${name}" has adjacent dots or a dot next to a hyphen`;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return `"${name}" is formatted as an IP address`;
  if (/^xn--|^sthree-|-s3alias$|--ol-s3$/.test(name)) return `"${name}" uses a reserved prefix or suffix`;
  return undefined;
}

/** Two S3 prefixes that would read each other's data (equal, or one inside the other). */
export function prefixesCollide(a: string, b: string): boolean {
  const na = `${a.replace(/\/+$/, "")}/`;
  const nb = `${b.replace(/\/+$/, "")}/`;
  return na.startsWith(nb) || nb.startsWith(na);
}
