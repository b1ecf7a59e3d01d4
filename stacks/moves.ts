/**
 * Where resources of the AWS stack moved when modules started creating their own alarms
 * (before: every alarm was created in the `monitoring` construct's scope). Each rule maps a new
 * path to the old one; `addMovedBlocks` turns them into Terraform `moved` blocks, so an existing
 * deployment plans these as moves (no alarm is destroyed and created again).
 * `stacks/moves.test.ts` checks every address of the previous layout
 * (`test/fixtures/aws-addresses-before-module-alarms.json`) still exists or is moved.
 */
import type { MoveRule } from "../lib/moved";

/** Construct ids of the AWS stack's modules (the paths below depend on them). */
export const AWS_STACK_IDS = {
  monitoring: "monitoring",
  ingest: "saas-ingest",
  curate: "curate",
  reconcile: "bq-reconcile",
  agentHost: "iics-agent",
} as const;

const alarm = "aws_cloudwatch_metric_alarm";
const { monitoring: m, ingest, curate, reconcile, agentHost } = AWS_STACK_IDS;

export const MODULE_ALARM_MOVES: readonly MoveRule[] = [
  { type: alarm, to: new RegExp(`^${ingest}/Default/alarm-(errors|throttles)$`), from: `${m}/ingest-$1` },
  {
    type: alarm,
    to: new RegExp(`^${ingest}/Default/alarm-failures-queued$`),
    from: `${m}/ingest-failures-queue`,
  },
  { type: alarm, to: new RegExp(`^${ingest}/missed-(.+)$`), from: `${m}/ingest-missed-$1` },
  { type: alarm, to: new RegExp(`^${reconcile}/Default/alarm-errors$`), from: `${m}/reconcile-errors` },
  { type: alarm, to: new RegExp(`^${reconcile}/(.+)-(failed|stale)$`), from: `${m}/reconcile-$1-$2` },
  { type: alarm, to: new RegExp(`^${reconcile}/(.+)-no-result$`), from: `${m}/reconcile-$1-missing` },
  {
    type: alarm,
    to: new RegExp(`^${curate}/Default/alarm-(errors|failures-queued)$`),
    from: `${m}/curate-$1`,
  },
  {
    type: alarm,
    to: new RegExp(`^${curate}/(executions-failed|executions-timed-out)$`),
    from: `${m}/curate-$1`,
  },
  { type: alarm, to: new RegExp(`^${curate}/failed-(.+)$`), from: `${m}/curate-failed-$1` },
  // The Secure Agent host's health and performance alarms kept their ids.
  {
    type: alarm,
    to: new RegExp(
      `^${agentHost}/(host-.+|ebs-.+|instance-.+|cpu-steal|cpu-surplus-credits|swap|secure-agent-down)$`,
    ),
    from: `${m}/$1`,
  },
];
