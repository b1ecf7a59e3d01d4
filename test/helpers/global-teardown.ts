/**
 * Jest global teardown: fails the run when a test (or the code it ran) left anything in the run's
 * temporary root, naming what was left, then removes the root either way.
 */
import { leftovers, RUN_ROOT_ENV, removeRunRoot } from "./temp-root";

export default function globalTeardown(): void {
  const root = process.env[RUN_ROOT_ENV];
  if (!root) return;
  const left = leftovers(root);
  removeRunRoot(root);
  if (left.length > 0) {
    const error = new Error(
      `tests left ${left.length} temporary item(s) behind (removed now; each test must clean up, even on failure): ${left.join(", ")}`,
    );
    error.stack = error.message;
    throw error;
  }
}
