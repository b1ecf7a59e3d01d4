/**
 * The S3 backend with DynamoDB locking, as our stacks configure it, against real local protocol
 * servers: state lands in the bucket at <env>/<stack>.tfstate, and a second concurrent run is
 * refused with a lock error. (s3rver ignores conditional writes, so the S3-lockfile lock cannot be
 * proven here; the DynamoDB lock is the same Terraform code path for "acquire or refuse".)
 */
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CreateTableCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { TerraformStack, Testing } from "cdktf";
import { ddbClient, s3Client } from "../functions/shared/dev/local";
import { terraform, terraformBinary } from "../scripts/lib/terraform";
import { configureBackend } from "../stacks/backend";
import { type LocalAws, startLocalAws } from "./helpers/local-aws";
import { tempDir } from "./helpers/temp";

jest.setTimeout(120_000);

const BUCKET = "dp-tfstate-test";
const TABLE = "dp-tfstate-lock";
let aws: LocalAws;
/** One stack folder (one init) for both tests. */
let dir: string;
/** While this file is missing, an apply holds the lock (its provisioner waits for it). */
let release: string;

beforeAll(async () => {
  terraformBinary();
  aws = await startLocalAws([BUCKET]);
  const ddb = ddbClient(aws.dynamodbEndpoint);
  await ddb.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: "LockID", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "LockID", AttributeType: "S" }],
    }),
  );
  dir = tempDir("dp-tiny-");
  release = join(dir, "release");
  writeFileSync(join(dir, "cdk.tf.json"), tinyStack());
  terraform(["init", "-input=false", "-no-color"], { cwd: dir, env: aws.env });
});
afterAll(() => aws?.stop());

function tinyStack(): string {
  const app = Testing.app();
  const stack = new TerraformStack(app, "dp-tiny-dev");
  const backend = configureBackend(stack, "dp-tiny-dev", "dev", {
    type: "s3",
    bucket: BUCKET,
    region: "ap-northeast-1",
    lock: "dynamodb",
    dynamodbTable: TABLE,
  });
  // Local servers instead of AWS: the only difference from a real stack's backend.
  backend.addOverride("endpoints", { s3: aws.s3Endpoint, dynamodb: aws.dynamodbEndpoint });
  for (const flag of [
    "use_path_style",
    "skip_credentials_validation",
    "skip_requesting_account_id",
    "skip_metadata_api_check",
    "skip_region_validation",
    "skip_s3_checksum",
  ]) {
    backend.addOverride(flag, true);
  }
  // The apply holds the state lock until the test creates `release` (no fixed sleep: the second
  // run is tried while the first is certainly still running, however slow the machine). It gives
  // up after 60 s, so a test process killed outright leaves no Terraform waiting forever.
  const wait = `i=0; while [ ! -e '${release}' ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done`;
  stack.addOverride("resource.terraform_data.slow", {
    input: "v1",
    provisioner: [{ "local-exec": { command: wait } }],
  });
  return Testing.synth(stack);
}

it("stores state in the bucket at <env>/<stack>.tfstate", async () => {
  writeFileSync(release, "");
  terraform(["apply", "-auto-approve", "-input=false", "-no-color"], { cwd: dir, env: aws.env });
  const s3 = s3Client(aws.s3Endpoint);
  const obj = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "dev/dp-tiny-dev.tfstate" }));
  const state = JSON.parse(await obj.Body!.transformToString());
  expect(state.resources.map((r: { type: string }) => r.type)).toEqual(["terraform_data"]);
});

it("refuses a second concurrent run with a lock error", async () => {
  rmSync(release, { force: true });
  const first = spawn(
    terraformBinary(),
    ["apply", "-auto-approve", "-input=false", "-no-color", "-replace=terraform_data.slow"],
    { cwd: dir, env: { ...process.env, ...aws.env }, stdio: "ignore" },
  );
  const firstDone = new Promise<number>((resolve) => first.on("close", (code) => resolve(code ?? -1)));
  try {
    const ddb = ddbClient(aws.dynamodbEndpoint);
    // Wait until the first run holds the lock (an item whose LockID is the state path, with Info).
    const deadline = Date.now() + 30_000;
    for (;;) {
      const items = (await ddb.send(new ScanCommand({ TableName: TABLE }))).Items ?? [];
      if (items.some((i) => i.LockID?.S === `${BUCKET}/dev/dp-tiny-dev.tfstate` && i.Info)) break;
      if (Date.now() > deadline) throw new Error("the first run never took the lock");
      await new Promise((r) => setTimeout(r, 100));
    }
    const second = terraform(["plan", "-input=false", "-no-color", "-lock-timeout=0s"], {
      cwd: dir,
      env: aws.env,
      okCodes: [0, 1],
    });
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/Error acquiring the state lock/);
  } finally {
    // Let the first run finish (it releases the lock); stop it if it does not.
    writeFileSync(release, "");
    const timer = setTimeout(() => first.kill(), 60_000);
    await firstDone.finally(() => clearTimeout(timer));
  }
  expect(await firstDone).toBe(0);
});
