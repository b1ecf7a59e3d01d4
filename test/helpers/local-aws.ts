/** Real local AWS protocol servers for tests (s3rver, dynalite), run in a child process. */
import { rmSync } from "node:fs";
import { LOCAL_CREDENTIALS } from "../../functions/shared/dev/local";
import { startChildServer } from "../../scripts/lib/child-server";
import type { LocalEndpoints } from "../../scripts/lib/local-servers";
import { ROOT } from "./synth";

export { LOCAL_CREDENTIALS };

export interface LocalAws {
  s3Endpoint: string;
  dynamodbEndpoint: string;
  /** Environment for SDK clients and Terraform pointing at the local servers. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startLocalAws(buckets: string[] = []): Promise<LocalAws> {
  const server = await startChildServer<LocalEndpoints>(
    // Plain JavaScript: no TypeScript loader in the child.
    "scripts/lib/local-servers.js",
    buckets.flatMap((b) => ["--bucket", b]),
    ROOT,
  );
  const { s3, dynamodb, dir } = server.info;
  return {
    s3Endpoint: s3,
    dynamodbEndpoint: dynamodb,
    env: {
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: "",
      AWS_PROFILE: "",
      AWS_REGION: "ap-northeast-1",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_ENDPOINT_URL_S3: s3,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb,
      S3_FORCE_PATH_STYLE: "true",
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
