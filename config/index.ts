/** The validated configuration of this app: environments selected by STACK_ENV, STATE override. */
import { environments } from "./environments";
import { type LoadOptions, loadEnvironments } from "./load";

export function loadAppConfig(
  options: LoadOptions = { select: process.env.STACK_ENV, stateOverride: process.env.STATE },
) {
  return {
    environments: loadEnvironments(environments, options),
    /** Every configured environment (the GitHub stack configures each one's deployment). */
    allEnvironments: loadEnvironments(environments),
  };
}
