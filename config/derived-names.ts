/**
 * Names the stacks derive from configuration ids, checked here against the limits the services
 * enforce at apply time, so a too-long id fails at the config edge naming the entry (not at
 * `apply`, and never by a silent truncation that could make two schedules collide).
 *
 * | derived name (per environment)        | from                  | limit |
 * |---------------------------------------|-----------------------|-------|
 * | `<prefix>-<env>-saas-ingest-<source>` | sources[].id          | 64 (EventBridge Scheduler) |
 * | `<prefix>-<env>-curate-<transform>`   | transforms[].id       | 64 (EventBridge Scheduler) |
 * | buckets `<prefix>-<env>-<account>-…`  | <env>.prefix          | 63 (S3, config/load.ts) |
 * | state access logs `<bucket>-logs`     | <env>.state.bucket    | 63 (S3, config/load.ts) |
 *
 * Everything else derived from `<prefix>-<env>` (roles, functions, state machine, log groups,
 * queues, alarms, the WIF pool) fits by construction: the prefix is at most 12 characters and the
 * environment name at most 4; `policy/rules/aws/quotas.ts` checks the synthesized names as a backstop.
 * Glue tables (source ids, transform tables: at most 63 characters) and BigQuery ids (checked by
 * their schemas) are far inside their limits.
 */
import { NAME_LIMITS, scheduleName } from "../lib/rules/names";
import type { EnvironmentConfig } from "./schema";

type Owner = (prefix: string, env: string) => string;

/**
 * Why the schedule of entry `id` would be too long in some environment (the longest case), with
 * the longest id that fits; `undefined` when it fits everywhere.
 */
export function scheduleNameProblem(
  owner: Owner,
  id: string,
  environments: ReadonlyArray<Pick<EnvironmentConfig, "prefix" | "name">>,
): string | undefined {
  const max = NAME_LIMITS.schedule;
  let worst: { name: string; env: string; room: number } | undefined;
  for (const env of environments) {
    const name = scheduleName(owner(env.prefix, env.name), id);
    const room = max - (name.length - id.length);
    if (name.length > max && (!worst || name.length > worst.name.length))
      worst = { name, env: env.name, room };
  }
  if (!worst) return undefined;
  return `schedule name "${worst.name}" (${worst.env}) is ${worst.name.length} characters; EventBridge Scheduler allows ${max}: use an id of at most ${worst.room} characters (got ${id.length})`;
}
