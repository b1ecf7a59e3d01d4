// Jest test order. The slow files (integration tests that run Terraform, child processes, servers)
// go first, in a fixed order that pairs a file mostly waiting (on sleeps its test needs: rate-limit
// resets, leases, Retry-After) with one that keeps more than a core busy (child processes), so
// that the two workers of a 2-core machine leave a core idle less often; Jest's own order (by the
// duration each file took last time) would run the waiting files side by side. A file that failed
// last time still goes first (Jest's fast feedback); the other files keep Jest's order.
const Sequencer = require("@jest/test-sequencer").default;

/**
 * The slow files, in the order they start. Measured CPU per second of wall time in a run:
 * terraform.int about 1.5 cores (Terraform and synths), saas-apis, ingest.int and hostile 0.4-0.7
 * (mostly waiting), scripts-args 1.5 (refusal processes), reconcile-local 1.4, docs 1.0
 * (Chromium), ingest-local 1.0, curate-local 0.7, reconcile.int 0.6, ops 0.55.
 */
const SCHEDULE = [
  "test/terraform.int.test.ts",
  "functions/saas-ingest/saas-apis.int.test.ts",
  "functions/saas-ingest/ingest.int.test.ts",
  "test/scripts-args.test.ts",
  "functions/saas-ingest/hostile.int.test.ts",
  "test/reconcile-local.int.test.ts",
  "scripts/docs/docs.test.ts",
  "functions/curate/curate-local.int.test.ts",
  "test/ingest-local.int.test.ts",
  "functions/bq-reconcile/reconcile.int.test.ts",
  "scripts/ops/ops.test.ts",
  "test/bigquery-replace.int.test.ts",
  "stacks/aws-stack.test.ts",
  "test/state-backend.int.test.ts",
];

class Scheduled extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const rank = (t) => {
      if (this.hasFailed(t)) return -1;
      const i = SCHEDULE.findIndex((p) => t.path.endsWith(p));
      return i < 0 ? SCHEDULE.length : i;
    };
    // Array.prototype.sort is stable: the rest keep Jest's order.
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = Scheduled;
