/** The validated configuration of this app: environments selected by STACK_ENV, STATE override. */
import { bootstrap, environments } from "./environments";
import { type LoadOptions, loadEnvironments } from "./load";

export { bootstrap };

export function loadAppConfig(
  options: LoadOptions = { select: process.env.STACK_ENV, stateOverride: process.env.STATE },
) {
  return {
    environments: loadEnvironments(environments, options),
    /** Every configured environment (bootstrap grants each one's CI roles its state). */
    allEnvironments: loadEnvironments(environments),
    bootstrap,
  };
}
