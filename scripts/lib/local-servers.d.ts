export interface LocalEndpoints {
  s3: string;
  dynamodb: string;
  /** Where s3rver keeps the objects. */
  dir: string;
}

/** Starts s3rver (with `buckets`) and dynalite on 127.0.0.1 (ports: 0 = any free one). */
export function startServers(
  buckets: string[],
  dir?: string,
  ports?: { s3: number; dynamodb: number },
): Promise<{ endpoints: LocalEndpoints; close: () => Promise<unknown> }>;
