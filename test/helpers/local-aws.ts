/** Real local AWS protocol servers for tests (s3rver, dynalite), run in a child process. */
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { LocalEndpoints } from "../../scripts/local-aws";
import { ROOT } from "./synth";

export const LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export interface LocalAws {
  s3Endpoint: string;
  dynamodbEndpoint: string;
  /** Environment for SDK clients and Terraform pointing at the local servers. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startLocalAws(buckets: string[] = []): Promise<LocalAws> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", join(ROOT, "scripts", "local-aws.ts"), ...buckets.flatMap((b) => ["--bucket", b])],
    { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`local AWS servers exited (${code})`)));
  });
  const endpoints = JSON.parse(line) as LocalEndpoints;
  return {
    s3Endpoint: endpoints.s3,
    dynamodbEndpoint: endpoints.dynamodb,
    env: {
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: "",
      AWS_PROFILE: "",
      AWS_REGION: "ap-northeast-1",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      S3_FORCE_PATH_STYLE: "true",
    },
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      rmSync(endpoints.dir, { recursive: true, force: true });
    },
  };
}
