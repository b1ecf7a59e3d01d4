/** Imported first by ../setup.ts: turns cdktf's token stack traces off before cdktf loads. */
import { disableTokenStackTraces } from "../../stacks/app-options";

if (!disableTokenStackTraces())
  throw new Error("cdktf moved its stack-trace module: update stacks/app-options.ts");
