/** Builds the design document of one environment from a synthesized output folder. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Lang, texts } from "./i18n";
import type { DesignDocument } from "./model";
import {
  batchSection,
  type CuratedFacts,
  type DesignInput,
  dataSection,
  monitoringSection,
  networkSection,
  operationsSection,
  overview,
  permissionsSection,
  settingsSection,
} from "./sections";
import { TfStack } from "./tf";

interface Manifest {
  stacks: Record<string, { name: string; synthesizedStackPath: string }>;
}

/** The AWS and GCP stacks of `env` in a synth output folder (`<prefix>-aws-<env>`, `<prefix>-gcp-<env>`). */
export function readEnvironmentStacks(outdir: string, env: string): Pick<DesignInput, "aws" | "gcp"> {
  const manifestFile = join(outdir, "manifest.json");
  if (!existsSync(manifestFile)) throw new Error(`no synthesized app in ${outdir} (manifest.json missing)`);
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Manifest;
  const pick = (cloud: string) => {
    const s = Object.values(manifest.stacks).find((x) => x.name.endsWith(`-${cloud}-${env}`));
    return s ? TfStack.read(s.name, join(outdir, s.synthesizedStackPath)) : undefined;
  };
  const aws = pick("aws");
  const gcp = pick("gcp");
  if (!aws && !gcp) {
    const known = Object.values(manifest.stacks).map((s) => s.name);
    throw new Error(`no stack of environment "${env}" in ${outdir} (stacks: ${known.join(", ")})`);
  }
  return { aws, gcp };
}

export function buildDocument(input: DesignInput, lang: Lang): DesignDocument {
  const t = texts(lang);
  return {
    title: `${t("docTitle")} — ${input.env}`,
    subtitle: t("generated", { env: input.env }),
    lang,
    sections: [
      overview(input, t),
      batchSection(input, t),
      dataSection(input, t),
      settingsSection(input, t),
      permissionsSection(input, t),
      networkSection(input, t),
      monitoringSection(input, t),
      operationsSection(input, t),
    ],
  };
}

export type { CuratedFacts };
