/**
 * The config schema applies defaults before the pipeline modules see a value: they must be the
 * modules' own defaults (modules/<name>/defaults.ts), or a prop's documented `@default` would not
 * be what an environment that leaves the field out gets.
 */
import { environments } from "../../config/environments";
import { environmentSchema } from "../../config/schema";
import { CURATE_DEFAULTS } from "../curate/defaults";
import { INGEST_DEFAULTS } from "../ingest-function/defaults";
import { PIPELINE_DEFAULTS } from "./defaults";

function bare() {
  const env: any = structuredClone(environments.stg);
  env.aws.ingest = {};
  env.aws.curate = {};
  delete env.aws.logRetentionDays;
  return environmentSchema.parse(env);
}

describe("config defaults are the pipeline modules' defaults", () => {
  const env = bare();

  it("ingest", () => {
    expect(env.aws.ingest).toMatchObject(INGEST_DEFAULTS);
  });

  it("curate", () => {
    const { scheduleTimezone: _tz, ...curate } = CURATE_DEFAULTS;
    expect(env.aws.curate).toMatchObject(curate);
  });

  it("log retention", () => {
    expect(env.aws.logRetentionDays).toBe(PIPELINE_DEFAULTS.logRetentionDays);
  });
});
