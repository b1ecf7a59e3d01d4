/** The validated sources and transforms (with their SQL), for scripts and tests of curate. */
import type { TransformConfig } from "../functions/curate/core/spec";
import { loadAppConfig } from "./index";
import type { SourceConfig } from "./schema";
import { transformSpecs } from "./transforms-load";

export function loadCurateConfig() {
  const { lists } = loadAppConfig({});
  return {
    sources: [...lists.sources] as SourceConfig[],
    transforms: transformSpecs(lists.transforms as readonly TransformConfig[]),
  };
}
