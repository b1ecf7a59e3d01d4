/** Jest global setup: a per-run temporary root (see ./temp-root.ts) and a quiet environment. */
import { createRunRoot } from "./temp-root";

export default function globalSetup(): void {
  createRunRoot();
  // The AWS SDK warns once per process that Node 20 support ends in 2027; CI runs Node 22.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  // Terraform and the cdktf CLI never call home from tests.
  process.env.CHECKPOINT_DISABLE = "1";
}
