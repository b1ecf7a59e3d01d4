/**
 * The config schema applies defaults before the modules see a value: they must be the modules'
 * own defaults (modules/<name>/defaults.ts), or the documented `@default` of a prop would not be
 * what an environment that leaves the field out gets.
 */
import { environments } from "../config/environments";
import { environmentSchema } from "../config/schema";
import { AGENT_HOST_DEFAULTS } from "./agent-host/defaults";
import { BIGQUERY_DEFAULTS } from "./bigquery/defaults";
import { DATA_LAKE_DEFAULTS } from "./data-lake/defaults";
import { NETWORK_DEFAULTS } from "./network/defaults";
import { TIMESTREAM_DEFAULTS } from "./timestream/defaults";

/** An environment that leaves every field with a module default out. */
function bare() {
  const env: any = structuredClone(environments.stg);
  delete env.aws.natGateways;
  delete env.aws.flowLogRetentionDays;
  delete env.aws.logRetentionDays;
  env.aws.dataLake = {};
  env.aws.timestream = {};
  const host = env.aws.agentHost;
  env.aws.agentHost = {
    instanceType: host.instanceType,
    amiId: host.amiId,
    rootVolume: { sizeGiB: host.rootVolume.sizeGiB },
    dataVolume: { sizeGiB: host.dataVolume.sizeGiB },
  };
  delete env.gcp.stagingTableExpirationDays;
  delete env.gcp.kmsRotationDays;
  return environmentSchema.parse(env);
}

describe("config defaults are the modules' defaults", () => {
  const env = bare();

  it("data lake", () => {
    expect(env.aws.dataLake).toMatchObject(DATA_LAKE_DEFAULTS);
  });

  it("network", () => {
    expect(env.aws.natGateways).toBe(NETWORK_DEFAULTS.natGateways);
    expect(env.aws.flowLogRetentionDays).toBe(NETWORK_DEFAULTS.flowLogRetentionDays);
  });

  it("agent host", () => {
    const h = env.aws.agentHost;
    expect(h.rootVolume).toMatchObject({
      iops: AGENT_HOST_DEFAULTS.iops,
      throughputMiBps: AGENT_HOST_DEFAULTS.throughputMiBps,
    });
    expect(h.idleSessionTimeoutMinutes).toBe(AGENT_HOST_DEFAULTS.idleSessionTimeoutMinutes);
    expect(h.runAsUser).toBe(AGENT_HOST_DEFAULTS.runAsUser);
    expect(h.ebsAlarmUtilizationPercent).toBe(AGENT_HOST_DEFAULTS.ebsAlarmUtilizationPercent);
    expect(env.aws.logRetentionDays).toBe(AGENT_HOST_DEFAULTS.logRetentionDays);
  });

  it("timestream", () => {
    expect(env.aws.timestream).toMatchObject({
      memoryRetentionHours: TIMESTREAM_DEFAULTS.memoryRetentionHours,
      magneticRetentionDays: TIMESTREAM_DEFAULTS.magneticRetentionDays,
    });
  });

  it("bigquery", () => {
    expect(env.gcp.stagingTableExpirationDays).toBe(BIGQUERY_DEFAULTS.stagingTableExpirationDays);
    expect(env.gcp.kmsRotationDays).toBe(BIGQUERY_DEFAULTS.rotationDays);
  });
});
