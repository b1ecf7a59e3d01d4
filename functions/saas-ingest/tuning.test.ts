import { Testing } from "cdktf";
import { loadListOnly } from "../../config";
import { environments } from "../../config/environments";
import { loadEnvironments } from "../../config/load";
import { sources as sourceList } from "../../config/sources";
import { AwsStack } from "../../stacks/aws-stack";
import { synthesize } from "../../test/helpers/stack";
import { EnvironmentError } from "../shared/errors";
import { INGEST_TUNING, ingestTuningEnv, readIngestTuning } from "./tuning";

const defaults = Object.fromEntries(Object.entries(INGEST_TUNING).map(([k, d]) => [k, d.default]));

describe("ingestion tuning", () => {
  it("config defaults every knob from the one table; the handler reads what the module sets", () => {
    const [dev] = loadEnvironments({ dev: structuredClone(environments.dev) });
    expect(dev.aws.ingest.tuning).toEqual(defaults);
    expect(readIngestTuning(ingestTuningEnv(dev.aws.ingest.tuning))).toEqual(defaults);
    expect(readIngestTuning({})).toEqual(defaults);
    const custom = { outputGzipLevel: 6, httpMaxRetryAfterMs: 5000 };
    expect(readIngestTuning(ingestTuningEnv(custom))).toEqual({ ...defaults, ...custom });
  });

  it("config refuses a knob out of bounds or misspelled, naming the environment and field", () => {
    const dev = structuredClone(environments.dev);
    (dev.aws as Record<string, unknown>).ingest = { tuning: { outputGzipLevel: 12, httpMaxAtempts: 3 } };
    expect(() => loadEnvironments({ dev })).toThrow(/dev\.aws\.ingest\.tuning\.outputGzipLevel/);
    expect(() => loadEnvironments({ dev })).toThrow(/httpMaxAtempts.*httpMaxAttempts/s);
  });

  it("the handler refuses a variable out of bounds, naming it", () => {
    expect(() => readIngestTuning({ OUTPUT_GZIP_LEVEL: "0" })).toThrow(EnvironmentError);
    expect(() => readIngestTuning({ HTTP_MAX_ATTEMPTS: "lots" })).toThrow(/HTTP_MAX_ATTEMPTS/);
  });

  it("the synthesized function gets every knob of its environment as an environment variable", () => {
    const env = structuredClone(environments.prod);
    env.aws.ingest = { ...env.aws.ingest, tuning: { outputGzipLevel: 3, httpMaxRetryAfterMs: 120_000 } };
    const [prod] = loadEnvironments({ prod: env });
    const s = synthesize(
      new AwsStack(Testing.app(), "dp-aws-prod", { env: prod, sources: [...loadListOnly(sourceList)] }),
    );
    const vars = s.one("aws_lambda_function").environment.variables as Record<string, string>;
    expect(vars).toMatchObject({
      ...ingestTuningEnv(defaults),
      OUTPUT_GZIP_LEVEL: "3",
      HTTP_MAX_RETRY_AFTER_MS: "120000",
    });
  });
});
