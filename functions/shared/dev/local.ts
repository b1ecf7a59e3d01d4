/**
 * Local stand-ins for every pipeline function's tests and local runs (s3rver for S3, dynalite for
 * DynamoDB; start them with scripts/local-aws.ts or test/helpers/local-aws.ts): the environment
 * that points a handler and the SDK at them, SDK clients, the settings table, items, and reading
 * back what landed in a bucket.
 */
import { gunzipSync } from "node:zlib";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";

const region = "ap-northeast-1";
/** s3rver's default credentials (dynalite accepts any). */
export const LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const credentials = LOCAL_CREDENTIALS;

/**
 * Environment that points a handler (and the SDK) at local servers. `table`/`bucket` set
 * CONFIG_TABLE_NAME/RAW_BUCKET_NAME; `extra` adds any other variable a function reads.
 */
export function localHandlerEnv(o: {
  s3: string;
  dynamodb: string;
  secretsManager?: string;
  table?: string;
  bucket?: string;
  extra?: Record<string, string>;
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
    ...(o.table ? { CONFIG_TABLE_NAME: o.table } : {}),
    ...(o.bucket ? { RAW_BUCKET_NAME: o.bucket } : {}),
    POWERTOOLS_METRICS_DISABLED: "true",
    // Local stand-ins speak http on loopback; the deployed function never sets this.
    ALLOW_HTTP_LOOPBACK: "true",
    ...(o.extra ?? {}),
  };
}

// One client per endpoint (and use) in a process: a new client per helper call cost ~3 ms of CPU
// each (its configuration, middleware stack and a new connection), about a hundred times per test
// file. DynamoDB clients are not shared between document clients: DynamoDBDocumentClient.from
// adds its marshalling to the client it wraps, so two of them on one client mix their options.
const clients = new Map<string, unknown>();
function memo<C>(key: string, make: () => C): C {
  if (!clients.has(key)) clients.set(key, make());
  return clients.get(key) as C;
}
/** A new DynamoDB client (each caller may wrap it in a document client of its own). */
export const ddbClient = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({ endpoint, region, credentials });
/** The S3 client for this endpoint. */
export const s3Client = (endpoint: string): S3Client =>
  memo(`s3 ${endpoint}`, () => new S3Client({ endpoint, region, credentials, forcePathStyle: true }));
const putDoc = (endpoint: string) =>
  memo(`dynamodb put ${endpoint}`, () =>
    DynamoDBDocumentClient.from(ddbClient(endpoint), { marshallOptions: { removeUndefinedValues: true } }),
  );
const getDoc = (endpoint: string) =>
  memo(`dynamodb get ${endpoint}`, () => DynamoDBDocumentClient.from(ddbClient(endpoint)));

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

/** Writes one item (any pk/sk), e.g. a settings item. */
export async function putItem(
  endpoint: string,
  table: string,
  item: { pk: string; sk: string } & Record<string, unknown>,
) {
  await putDoc(endpoint).send(new PutCommand({ TableName: table, Item: item }));
}

/** Reads one item back (consistent), with its pk/sk. */
export async function getItem(endpoint: string, table: string, key: { pk: string; sk: string }) {
  return (await getDoc(endpoint).send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true })))
    .Item;
}

/** Ingestion: writes a source's settings item (`pk = "source#<id>"`, `sk = "config"`). */
export async function putSourceConfig(
  endpoint: string,
  table: string,
  sourceId: string,
  settings: Record<string, unknown>,
) {
  await putItem(endpoint, table, { ...settings, pk: `source#${sourceId}`, sk: "config" });
}

/** Ingestion: a source's state item (`sk = "state"`). */
export async function getSourceState(endpoint: string, table: string, sourceId: string) {
  return getItem(endpoint, table, { pk: `source#${sourceId}`, sk: "state" });
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
