// Jest test order: the longest files first, so the run does not end waiting on one slow file
// that started last. Jest's own order (failed first, then by the duration each file took last
// time) is used when it knows every file's duration; on a first run (no timings yet, e.g. a
// fresh clone or CI) the files known to be slow go first, longest first.
const Sequencer = require("@jest/test-sequencer").default;

/** Slowest first, as measured (integration tests that run Terraform, child processes, servers). */
const KNOWN_SLOW = [
  "test/terraform.int.test.ts",
  "functions/saas-ingest/saas-apis.int.test.ts",
  "functions/saas-ingest/ingest.int.test.ts",
  "functions/saas-ingest/hostile.int.test.ts",
  "functions/curate/curate-local.int.test.ts",
  "functions/bq-reconcile/reconcile.int.test.ts",
  "test/reconcile-local.int.test.ts",
  "scripts/docs/docs.test.ts",
  "test/ingest-local.int.test.ts",
  "scripts/ops/ops.test.ts",
  "test/scripts-args.test.ts",
  "test/bigquery-replace.int.test.ts",
  "stacks/aws-stack.test.ts",
  "test/state-backend.int.test.ts",
];

class SlowFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    // super.sort sets each test's duration from the last run's timings (undefined when unknown).
    if (sorted.every((t) => t.duration != null)) return sorted;
    const rank = (t) => {
      const i = KNOWN_SLOW.findIndex((p) => t.path.endsWith(p));
      return i < 0 ? KNOWN_SLOW.length : i;
    };
    // Array.prototype.sort is stable: the rest keep Jest's order.
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = SlowFirst;
