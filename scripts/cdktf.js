#!/usr/bin/env node
/**
 * `npm run cdktf -- <command> ...`: the cdktf CLI without phoning home. Sets CHECKPOINT_DISABLE
 * (no telemetry or version checks by cdktf or Terraform: on a machine without internet they print
 * "getaddrinfo ENOTFOUND checkpoint-api.hashicorp.com") unless you set it, then runs the
 * project's cdktf with your arguments, which cdktf validates itself.
 */
const { spawnSync } = require("node:child_process");
const { join } = require("node:path");

const bin = join(__dirname, "..", "node_modules", "cdktf-cli", "bundle", "bin", "cdktf");
const env = { ...process.env };
if (env.CHECKPOINT_DISABLE === undefined) env.CHECKPOINT_DISABLE = "1";
if (env.DISABLE_VERSION_CHECK === undefined) env.DISABLE_VERSION_CHECK = "true";
const r = spawnSync(process.execPath, [bin, ...process.argv.slice(2)], { stdio: "inherit", env });
if (r.error) {
  console.error(`cdktf: ${r.error.message} (is cdktf-cli installed? run npm ci)`);
  process.exit(1);
}
if (r.signal) process.kill(process.pid, r.signal);
process.exit(r.status ?? 1);
