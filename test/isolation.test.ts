/**
 * State isolation, proven over the synthesized policies of every environment (both lock modes):
 * - no CI role of one environment can read or write another environment's state, key or lock;
 * - no plan role can write any state or lock (plans run `-lock=false`);
 * - positive controls: each apply role reads and writes its own state and lock, each plan role
 *   reads its own state (so the evaluator is not denying everything).
 * The evaluator (test/helpers/iam-eval.ts) over-approximates allows and under-approximates
 * denies, so a "cannot" here holds whatever the undecided condition values are.
 */
import { Testing } from "cdktf";
import { loadListOnly } from "../config";
import { environments } from "../config/environments";
import { loadEnvironments } from "../config/load";
import type { EnvironmentConfig } from "../config/schema";
import { sources } from "../config/sources";
import { AwsStack } from "../stacks/aws-stack";
import { BootstrapStack } from "../stacks/bootstrap-stack";
import { stateKeyAlias } from "../stacks/names";
import { isAllowed, type Principal, rolePrincipal, type Statement, statementsOf } from "./helpers/iam-eval";
import { sharedSynth, stackJson } from "./helpers/synth";

type Lock = "lockfile" | "dynamodb";

interface EnvDocs {
  env: EnvironmentConfig;
  plan: Principal;
  apply: Principal;
  bucket: string;
  bucketPolicy: Statement[];
  keyArn: string;
  keyPolicy: Statement[];
  lockTableArn?: string;
}

const built = new Map<Lock, EnvDocs[]>();
/**
 * Each environment's documents. With the embedded configuration's lock (S3 lockfile), they are
 * read from the app's own synth (what `npm run synth` writes, shared by the run's test files);
 * the DynamoDB lock is synthesized here with the configuration switched to it.
 */
function build(lock: Lock): EnvDocs[] {
  if (!built.has(lock)) built.set(lock, synthesizeDocs(lock));
  return built.get(lock)!;
}

const fromAppSynth = (stack: string) => stackJson(sharedSynth().outdir, stack);

function synthesizeDocs(lock: Lock): EnvDocs[] {
  const envs = loadEnvironments(structuredClone(environments)).map((e) => {
    if (e.state.type === "s3" && lock === "dynamodb") {
      e.state = { ...e.state, lock: "dynamodb", dynamodbTable: `${e.prefix}-${e.name}-tfstate-lock` };
    }
    return e;
  });
  return envs.map((env) => {
    if (lock === "lockfile" && (env.state.type !== "s3" || env.state.lock !== "lockfile"))
      throw new Error(`expected the embedded configuration to lock ${env.name}'s state with an S3 lockfile`);
    const boot =
      lock === "lockfile"
        ? fromAppSynth(`dp-bootstrap-${env.name}`)
        : JSON.parse(Testing.synth(new BootstrapStack(Testing.app(), `dp-bootstrap-${env.name}`, { env })));
    const aws =
      lock === "lockfile"
        ? fromAppSynth(`dp-aws-${env.name}`)
        : JSON.parse(
            Testing.synth(
              new AwsStack(Testing.app(), `dp-aws-${env.name}`, { env, sources: [...loadListOnly(sources)] }),
            ),
          );
    if (env.state.type !== "s3") throw new Error("expected S3 state");
    const bucketId = Object.entries<any>(boot.resource.aws_s3_bucket).find(
      ([, b]) => b.bucket === (env.state as any).bucket,
    )![0];
    const policy = Object.values<any>(boot.resource.aws_s3_bucket_policy).find(
      (p) => p.bucket === `\${aws_s3_bucket.${bucketId}.id}`,
    );
    const key = Object.values<any>(boot.resource.aws_kms_key)[0];
    const account = env.aws.accountId;
    const table = Object.values<any>(boot.resource.aws_dynamodb_table ?? {})[0];
    return {
      env,
      plan: rolePrincipal(aws, `dp-${env.name}-ci-plan`, account),
      apply: rolePrincipal(aws, `dp-${env.name}-ci-apply`, account),
      bucket: env.state.bucket,
      bucketPolicy: statementsOf(policy.policy, boot),
      keyArn: `arn:aws:kms:${env.state.region}:${account}:key/0000-state`,
      keyPolicy: statementsOf(key.policy, boot),
      lockTableArn: table ? `arn:aws:dynamodb:${env.state.region}:${account}:table/${table.name}` : undefined,
    };
  });
}

/** Every request a principal could make against one environment's state store. */
function requests(target: EnvDocs, stateEnv: string) {
  const account = target.env.aws.accountId;
  const obj = (k: string) => `arn:aws:s3:::${target.bucket}/${k}`;
  const s3 = (action: string, key: string) => ({
    action,
    resource: obj(key),
    account,
    resourcePolicy: target.bucketPolicy,
    context: {},
  });
  const state = `${stateEnv}/dp-aws-${stateEnv}.tfstate`;
  const kms = (action: string) => ({
    action,
    resource: target.keyArn,
    account,
    resourcePolicy: target.keyPolicy,
    context: { "kms:ResourceAliases": [`alias/${stateKeyAlias("dp", target.env.name)}`] },
  });
  const ddb = (action: string, item: string) =>
    target.lockTableArn
      ? [{ action, resource: target.lockTableArn, account, context: { "dynamodb:LeadingKeys": [item] } }]
      : [];
  return {
    readState: [s3("s3:GetObject", state), kms("kms:Decrypt")],
    list: [
      {
        action: "s3:ListBucket",
        resource: `arn:aws:s3:::${target.bucket}`,
        account,
        resourcePolicy: target.bucketPolicy,
        context: { "s3:prefix": `${stateEnv}/` },
      },
    ],
    writeState: [
      s3("s3:PutObject", state),
      s3("s3:DeleteObject", state),
      kms("kms:GenerateDataKey"),
      kms("kms:Encrypt"),
    ],
    writeLock: [
      s3("s3:PutObject", `${state}.tflock`),
      s3("s3:DeleteObject", `${state}.tflock`),
      ...ddb("dynamodb:PutItem", `${target.bucket}/${state}`),
      ...ddb("dynamodb:DeleteItem", `${target.bucket}/${state}`),
      ...ddb("dynamodb:PutItem", `${target.bucket}/${state}-md5`),
    ],
    readLock: [...ddb("dynamodb:GetItem", `${target.bucket}/${state}-md5`)],
    changeStore: [
      {
        action: "s3:PutBucketPolicy",
        resource: `arn:aws:s3:::${target.bucket}`,
        account,
        resourcePolicy: target.bucketPolicy,
      },
      {
        action: "s3:DeleteObjectVersion",
        resource: obj(state),
        account,
        resourcePolicy: target.bucketPolicy,
      },
      kms("kms:PutKeyPolicy"),
      kms("kms:ScheduleKeyDeletion"),
    ],
  };
}

describe.each<Lock>(["lockfile", "dynamodb"])("state isolation (lock: %s)", (lock) => {
  const docs = build(lock);
  const who = (d: EnvDocs) =>
    [
      ["plan", d.plan],
      ["apply", d.apply],
    ] as const;

  it("each environment keeps its state in its own account's bucket", () => {
    expect(new Set(docs.map((d) => d.bucket)).size).toBe(docs.length);
    expect(new Set(docs.map((d) => d.env.aws.accountId)).size).toBe(docs.length);
  });

  it("no CI role of one environment can read, list, write or lock another environment's state", () => {
    const leaks: string[] = [];
    for (const from of docs) {
      for (const to of docs) {
        if (from === to) continue;
        // Against the other account's store, for its own prefix and for the other env's prefix.
        for (const prefix of [from.env.name, to.env.name]) {
          const r = requests(to, prefix);
          for (const [kind, p] of who(from)) {
            for (const req of [
              ...r.readState,
              ...r.list,
              ...r.writeState,
              ...r.writeLock,
              ...r.readLock,
              ...r.changeStore,
            ]) {
              if (isAllowed(p, req))
                leaks.push(`${from.env.name} ${kind} -> ${to.env.name}: ${req.action} ${req.resource}`);
            }
          }
        }
      }
    }
    expect(leaks).toEqual([]);
  });

  it("no plan role writes any state or lock, nor changes the store, even its own environment's", () => {
    const leaks: string[] = [];
    for (const d of docs) {
      const r = requests(d, d.env.name);
      for (const req of [...r.writeState, ...r.writeLock, ...r.changeStore]) {
        if (isAllowed(d.plan, req)) leaks.push(`${d.env.name} plan: ${req.action} ${req.resource}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it("no apply role changes its state store's bucket or key", () => {
    for (const d of docs) {
      for (const req of requests(d, d.env.name).changeStore) {
        expect({ env: d.env.name, action: req.action, allowed: isAllowed(d.apply, req) }).toMatchObject({
          allowed: false,
        });
      }
    }
  });

  it("positive control: apply reads, writes and locks its own state; plan reads it (and the lock digest)", () => {
    for (const d of docs) {
      const r = requests(d, d.env.name);
      for (const req of [...r.readState, ...r.list, ...r.writeState, ...r.writeLock, ...r.readLock]) {
        expect({
          env: d.env.name,
          role: "apply",
          action: req.action,
          allowed: isAllowed(d.apply, req),
        }).toMatchObject({
          allowed: true,
        });
      }
      for (const req of [...r.readState, ...r.list, ...r.readLock]) {
        expect({
          env: d.env.name,
          role: "plan",
          action: req.action,
          allowed: isAllowed(d.plan, req),
        }).toMatchObject({
          allowed: true,
        });
      }
    }
  });

  it(
    lock === "dynamodb"
      ? "grants both CI roles the lock table (the digest), apply its lock items"
      : "creates no lock table",
    () => {
      for (const d of docs) {
        if (lock === "dynamodb") expect(d.lockTableArn).toMatch(/table\/dp-\w+-tfstate-lock$/);
        else expect(d.lockTableArn).toBeUndefined();
      }
    },
  );
});

describe("plan role reads configuration, not data", () => {
  const [dev] = build("lockfile");
  const account = dev.env.aws.accountId;
  const can = (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    isAllowed(dev.plan, { action, resource, account, context });

  it("cannot read lake objects, transcripts, logs, secrets, messages, query results or unmanaged items", () => {
    const denied: Array<[string, string, Record<string, string[]>?]> = [
      ["s3:GetObject", `arn:aws:s3:::dp-dev-${account}-raw/saas/x.jsonl.gz`],
      ["s3:GetObject", `arn:aws:s3:::dp-dev-${account}-session-transcripts/s.log`],
      ["s3:GetObject", `arn:aws:s3:::${dev.bucket}/stg/dp-aws-stg.tfstate`],
      ["logs:GetLogEvents", `arn:aws:logs:ap-northeast-1:${account}:log-group:/aws/ssm/sessions:*`],
      ["logs:FilterLogEvents", "*"],
      ["logs:StartQuery", "*"],
      ["secretsmanager:GetSecretValue", `arn:aws:secretsmanager:ap-northeast-1:${account}:secret:dp/saas/x`],
      ["ssm:GetParameter", `arn:aws:ssm:ap-northeast-1:${account}:parameter/x`],
      ["sqs:ReceiveMessage", `arn:aws:sqs:ap-northeast-1:${account}:dp-dev-saas-ingest-dlq`],
      ["athena:GetQueryResults", "*"],
      ["dynamodb:Scan", `arn:aws:dynamodb:ap-northeast-1:${account}:table/dp-dev-settings`],
      ["dynamodb:Query", `arn:aws:dynamodb:ap-northeast-1:${account}:table/dp-dev-settings`],
      [
        "dynamodb:GetItem",
        `arn:aws:dynamodb:ap-northeast-1:${account}:table/dp-dev-settings`,
        { "dynamodb:LeadingKeys": ["state#demo_orders"] },
      ],
      [
        "dynamodb:GetItem",
        `arn:aws:dynamodb:ap-northeast-1:${account}:table/other`,
        { "dynamodb:LeadingKeys": ["x"] },
      ],
    ];
    expect(denied.filter(([a, r, c]) => can(a, r, c))).toEqual([]);
  });

  it("can read what a plan refreshes: settings items it manages, bucket and function configuration", () => {
    expect(
      can("dynamodb:GetItem", `arn:aws:dynamodb:ap-northeast-1:${account}:table/dp-dev-settings`, {
        "dynamodb:LeadingKeys": ["source#demo_orders"],
      }),
    ).toBe(true);
    expect(can("s3:GetBucketPolicy", `arn:aws:s3:::dp-dev-${account}-raw`)).toBe(true);
    expect(
      can("lambda:GetFunction", `arn:aws:lambda:ap-northeast-1:${account}:function:dp-dev-saas-ingest`),
    ).toBe(true);
  });
});
