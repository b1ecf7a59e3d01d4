import { loadAppConfig } from "./config";
import { ConfigError } from "./config/problems";
import type { TransformConfig } from "./functions/curate/core/spec";

async function main() {
  const started = performance.now();
  // Configuration first, before cdktf and the providers load: a typo fails in a fraction of a second.
  const { environments, allEnvironments, lists } = loadAppConfig();
  const { App } = require("cdktf") as typeof import("cdktf");
  const { enforcePolicy } = require("./policy/report") as typeof import("./policy/report");
  const { pruneStaleStacks, synthOptions } =
    require("./stacks/app-options") as typeof import("./stacks/app-options");
  const { AwsStack } = require("./stacks/aws-stack") as typeof import("./stacks/aws-stack");
  const { BootstrapStack } = require("./stacks/bootstrap-stack") as typeof import("./stacks/bootstrap-stack");
  const { GcpStack } = require("./stacks/gcp-stack") as typeof import("./stacks/gcp-stack");
  const { GithubStack } = require("./stacks/github-stack") as typeof import("./stacks/github-stack");
  const names = require("./stacks/names") as typeof import("./stacks/names");
  const { transformSpecs } = require("./config/transforms-load") as typeof import("./config/transforms-load");
  const { bigquery } = lists;
  const transforms = transformSpecs(lists.transforms as readonly TransformConfig[]);
  const { awsStackName, bootstrapStackName, gcpStackName, githubStackName } = names;
  const app = new App(synthOptions());
  // Repository settings (environments, branch protection, OIDC template, variables) for every environment.
  if (allEnvironments.length > 0) {
    new GithubStack(app, githubStackName(allEnvironments[0].prefix), { environments: allEnvironments });
  }
  for (const env of environments) {
    // One state store per environment account (only for S3 state).
    if (env.state.type === "s3") new BootstrapStack(app, bootstrapStackName(env.prefix, env.name), { env });
    new AwsStack(app, awsStackName(env.prefix, env.name), {
      env,
      sources: [...lists.sources],
      transforms,
      bigquery,
    });
    new GcpStack(app, gcpStackName(env.prefix, env.name), {
      env,
      tables: bigquery.tables,
      reconcileDatasets: bigquery.checks.map((c) => c.bigquery.dataset),
    });
  }
  app.synth();
  const stacks = app.node.children.map((c) => c.node.id);
  const { removed, keptWithState } = pruneStaleStacks(app.outdir, stacks);
  if (removed.length) console.log(`removed stale stack folders: ${removed.join(", ")}`);
  if (keptWithState.length) {
    console.log(
      `kept stack folders not synthesized now, as they hold local state: ${keptWithState.join(", ")}`,
    );
  }
  console.log(
    `synthesized ${stacks.join(", ")} to ${app.outdir} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  // Synth-time security policy: always writes <outdir>/policy-report.json; fails on violations.
  if (!enforcePolicy(app.outdir)) process.exit(1);
}

main().catch((e) => {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
});
