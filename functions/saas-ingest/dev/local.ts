/** Helpers for local runs against s3rver + dynalite: table, settings items, reading what landed. */
import { gunzipSync } from "node:zlib";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";

const region = "ap-northeast-1";
/** s3rver's default credentials (dynalite accepts any). */
export const LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const credentials = LOCAL_CREDENTIALS;

/** Environment that points the handler (and the SDK) at local servers. */
export function localHandlerEnv(o: {
  s3: string;
  dynamodb: string;
  secretsManager?: string;
  table: string;
  bucket: string;
}): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: "",
    AWS_REGION: region,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ENDPOINT_URL_S3: o.s3,
    AWS_ENDPOINT_URL_DYNAMODB: o.dynamodb,
    ...(o.secretsManager ? { AWS_ENDPOINT_URL_SECRETS_MANAGER: o.secretsManager } : {}),
    S3_FORCE_PATH_STYLE: "true",
    CONFIG_TABLE_NAME: o.table,
    RAW_BUCKET_NAME: o.bucket,
    POWERTOOLS_METRICS_DISABLED: "true",
  };
}

export const ddbClient = (endpoint: string) => new DynamoDBClient({ endpoint, region, credentials });
export const s3Client = (endpoint: string) =>
  new S3Client({ endpoint, region, credentials, forcePathStyle: true });

export async function createSettingsTable(endpoint: string, table: string): Promise<void> {
  await ddbClient(endpoint).send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
    }),
  );
}

export async function putSourceConfig(
  endpoint: string,
  table: string,
  sourceId: string,
  settings: Record<string, unknown>,
) {
  const doc = DynamoDBDocumentClient.from(ddbClient(endpoint), {
    marshallOptions: { removeUndefinedValues: true },
  });
  await doc.send(
    new PutCommand({ TableName: table, Item: { pk: `source#${sourceId}`, sk: "config", ...settings } }),
  );
}

export async function getSourceState(endpoint: string, table: string, sourceId: string) {
  const doc = DynamoDBDocumentClient.from(ddbClient(endpoint));
  return (
    await doc.send(
      new GetCommand({
        TableName: table,
        Key: { pk: `source#${sourceId}`, sk: "state" },
        ConsistentRead: true,
      }),
    )
  ).Item;
}

export async function listKeys(endpoint: string, bucket: string, prefix = ""): Promise<string[]> {
  const s3 = s3Client(endpoint);
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const r = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    keys.push(...(r.Contents ?? []).map((o) => o.Key!));
    token = r.NextContinuationToken;
  } while (token);
  return keys.sort();
}

export async function getBytes(endpoint: string, bucket: string, key: string): Promise<Buffer> {
  const r = await s3Client(endpoint).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

/** Records of every file Athena would read under `prefix` (names not starting with _ or .). */
export async function readVisibleRecords(
  endpoint: string,
  bucket: string,
  prefix: string,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const key of await listKeys(endpoint, bucket, prefix)) {
    const name = key.split("/").pop()!;
    if (name.startsWith("_") || name.startsWith(".")) continue;
    const text = gunzipSync(await getBytes(endpoint, bucket, key)).toString("utf8");
    for (const line of text.split("\n")) if (line) out.push(JSON.parse(line));
  }
  return out;
}
