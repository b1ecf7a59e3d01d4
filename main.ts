import { App } from "cdktf";
import { loadAppConfig } from "./config";
import { bigquery } from "./config/bigquery";
import { ConfigError } from "./config/load";
import { sources } from "./config/sources";
import { transforms } from "./config/transforms";
import { enforcePolicy } from "./policy/report";
import { synthOptions } from "./stacks/app-options";
import { AwsStack } from "./stacks/aws-stack";
import { BootstrapStack } from "./stacks/bootstrap-stack";
import { GcpStack } from "./stacks/gcp-stack";
import { awsStackName, bootstrapStackName, gcpStackName } from "./stacks/names";

function main() {
  const started = performance.now();
  const { environments } = loadAppConfig();
  const app = new App(synthOptions());
  for (const env of environments) {
    // One state store per environment account (only for S3 state).
    if (env.state.type === "s3") new BootstrapStack(app, bootstrapStackName(env.prefix, env.name), { env });
    new AwsStack(app, awsStackName(env.prefix, env.name), { env, sources, transforms, bigquery });
    new GcpStack(app, gcpStackName(env.prefix, env.name), {
      env,
      tables: bigquery.tables,
      reconcileDatasets: bigquery.checks.map((c) => c.bigquery.dataset),
    });
  }
  app.synth();
  const stacks = app.node.children.map((c) => c.node.id);
  console.log(
    `synthesized ${stacks.join(", ")} to ${app.outdir} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  // Synth-time security policy: always writes <outdir>/policy-report.json; fails on violations.
  if (!enforcePolicy(app.outdir)) process.exit(1);
}

try {
  main();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
