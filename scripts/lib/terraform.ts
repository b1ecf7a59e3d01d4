/** Runs Terraform for scripts and tests: offline provider mirror when present, clear errors. */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The machine's offline provider mirror (hashicorp/aws only). */
export const PLUGIN_MIRROR = process.env.TF_PLUGIN_MIRROR ?? "/opt/tf-plugins";

export class TerraformError extends Error {
  override readonly name = "TerraformError";
  constructor(
    message: string,
    readonly output = "",
  ) {
    super(message);
  }
}

const MIN_VERSION = [1, 10];
let checked: string | undefined;

/** The Terraform binary, checked once per process to exist and be >= 1.10 (S3 lockfile locking). */
export function terraformBinary(): string {
  const bin = process.env.TERRAFORM_BIN ?? "terraform";
  if (checked === bin) return bin;
  const r = spawnSync(bin, ["version", "-json"], {
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  if (r.error || r.status !== 0) {
    throw new TerraformError(
      `Terraform was not found ("${bin}"). Install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install) ` +
        "or set TERRAFORM_BIN to its path.",
    );
  }
  const version = String(JSON.parse(r.stdout).terraform_version ?? "0.0.0");
  const [major, minor] = version.split(".").map(Number);
  if (major < MIN_VERSION[0] || (major === MIN_VERSION[0] && minor < MIN_VERSION[1])) {
    throw new TerraformError(
      `Terraform ${version} is too old: install Terraform >= 1.10 (S3 lockfile locking needs it).`,
    );
  }
  checked = bin;
  return bin;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Exit codes that are not failures (plan -detailed-exitcode returns 2 for changes). @default [0] */
  readonly okCodes?: number[];
}

export function terraform(
  args: string[],
  options: RunOptions,
): { stdout: string; stderr: string; status: number } {
  const r = spawnSync(terraformBinary(), args, {
    cwd: options.cwd,
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
    env: terraformEnv(options.env),
  });
  const status = r.status ?? -1;
  if (!(options.okCodes ?? [0]).includes(status)) {
    throw new TerraformError(
      `terraform ${args[0]} failed in ${options.cwd} (exit ${status}):\n${r.stderr || r.stdout}`,
      r.stdout + r.stderr,
    );
  }
  return { stdout: r.stdout, stderr: r.stderr, status };
}

/**
 * Go's garbage collector (Terraform and its provider processes) runs a quarter as often as by
 * default: the AWS provider builds its whole schema at every start, and at GOGC=100 about a
 * fifth of an offline plan's CPU goes to collecting it. Measured on an offline plan of an AWS
 * stack: 8.0 -> 6.3 s CPU, peak memory 310 -> 450 MB per process. A GOGC set by the caller wins.
 */
export const TERRAFORM_GOGC = "400";

const terraformEnv = (env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  GOGC: TERRAFORM_GOGC,
  ...process.env,
  TF_IN_AUTOMATION: "1",
  TF_INPUT: "0",
  CHECKPOINT_DISABLE: "1",
  ...env,
});

/**
 * `terraform` without blocking: several stacks validate or plan at once. Aborting the signal
 * (e.g. in a test's afterAll) kills the process, so nothing outlives its caller.
 */
export function terraformAsync(
  args: string[],
  options: RunOptions & { readonly signal?: AbortSignal },
): Promise<{ stdout: string; stderr: string; status: number }> {
  const bin = terraformBinary();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: options.cwd,
      env: terraformEnv(options.env),
      stdio: ["ignore", "pipe", "pipe"],
      signal: options.signal,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.once("error", (e) =>
      reject(new TerraformError(`terraform ${args[0]} in ${options.cwd}: ${e.message}`, "")),
    );
    child.once("close", (code, signal) => {
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8");
      const status = code ?? -1;
      if (!(options.okCodes ?? [0]).includes(status)) {
        reject(
          new TerraformError(
            `terraform ${args[0]} failed in ${options.cwd} (${signal ? `signal ${signal}` : `exit ${status}`}):\n${stderr || stdout}`,
            stdout + stderr,
          ),
        );
      } else resolve({ stdout, stderr, status });
    });
  });
}

function initArgs(backend: boolean | undefined): string[] {
  const args = ["init", "-input=false", "-no-color"];
  if (backend === false) args.push("-backend=false");
  if (existsSync(PLUGIN_MIRROR)) args.push(`-plugin-dir=${PLUGIN_MIRROR}`);
  return args;
}

/** `terraform init` through the offline mirror when it exists, else the registry. */
export function init(cwd: string, opts: { backend?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  return terraform(initArgs(opts.backend), { cwd, env: opts.env });
}

export function initAsync(
  cwd: string,
  opts: { backend?: boolean; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {},
) {
  return terraformAsync(initArgs(opts.backend), { cwd, env: opts.env, signal: opts.signal });
}

/** Dummy credentials: with the offline override the AWS provider plans without any account. */
export const OFFLINE_AWS_ENV: NodeJS.ProcessEnv = {
  AWS_ACCESS_KEY_ID: "offline-preview-key-id",
  AWS_SECRET_ACCESS_KEY: "offline-preview-not-a-secret",
  AWS_SESSION_TOKEN: "",
  AWS_PROFILE: "",
  AWS_EC2_METADATA_DISABLED: "true",
};

/**
 * Writes a Terraform override file that tells the AWS provider to skip every call made only to
 * check credentials, and lifts the account guard (`allowed_account_ids`). Write it only into a
 * copy of a stack (`prepareOfflinePlanDir`), never into `cdktf.out/stacks/<stack>`: a real plan
 * from that folder must keep the guard.
 */
export function writeOfflineOverride(stackDir: string): string {
  const file = join(stackDir, "offline_override.tf.json");
  const flags = {
    ...OFFLINE_PROVIDER_FLAGS,
    // The account id is unknown offline; the check runs again on a real plan.
    allowed_account_ids: null,
  };
  writeFileSync(file, `${JSON.stringify({ provider: { aws: [flags] } }, null, 2)}\n`);
  return file;
}

/** The AWS provider settings that skip every call made only to check credentials. */
const OFFLINE_PROVIDER_FLAGS = {
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
};

/** Files an offline plan adds to a stack copy. */
export const OFFLINE_OVERRIDE_FILES = ["offline_override.tf.json", "local_backend_override.tf.json"];

/**
 * Prepares `planDir` for an offline plan of the synthesized `stackDir`: a fresh copy of the stack
 * (its Terraform JSON and assets; a previous run's `.terraform` provider links are kept), its
 * backend swapped for local state inside the copy and the AWS provider's credential checks off,
 * both by override files in the copy. The synthesized folder is never written to.
 */
export function prepareOfflinePlanDir(stackDir: string, planDir: string): string {
  if (!existsSync(join(stackDir, "cdk.tf.json"))) {
    throw new TerraformError(`no synthesized stack in ${stackDir} (cdk.tf.json is missing)`);
  }
  mkdirSync(planDir, { recursive: true });
  for (const entry of readdirSync(planDir)) {
    if (entry !== ".terraform") rmSync(join(planDir, entry), { recursive: true, force: true });
  }
  for (const entry of readdirSync(stackDir)) {
    if (entry === ".terraform" || entry === ".terraform.lock.hcl" || OFFLINE_OVERRIDE_FILES.includes(entry))
      continue;
    cpSync(join(stackDir, entry), join(planDir, entry), { recursive: true });
  }
  writeFileSync(
    join(planDir, "local_backend_override.tf.json"),
    `${JSON.stringify({ terraform: { backend: { local: { path: "terraform.tfstate" } } } }, null, 2)}\n`,
  );
  writeOfflineOverride(planDir);
  return planDir;
}

/**
 * Prepares `root` as one Terraform configuration holding copies of several synthesized stacks as
 * modules (`module.<name>` for each `name: stackDir`), so that one Terraform process validates or
 * plans them all offline and the AWS provider's large schema loads once instead of once per stack.
 * Each stack keeps its own provider configuration (region, default tags, exactly as synthesized).
 *
 * In each copy, and only there: the backend is dropped (Terraform ignores a module's backend,
 * with a warning; state is local to `root`), and the AWS provider blocks get the same offline
 * settings `writeOfflineOverride` gives a single stack, written into the copy's JSON because an
 * override file for a provider in a child module makes Terraform warn "Redundant empty provider
 * block". The synthesized folders are never written to.
 *
 * Stacks whose provider configuration is the same (an environment's bootstrap and AWS stacks: same
 * region and tags) share one: a stack with a single default AWS provider has it moved to the root,
 * once per distinct configuration (`aws.stacks_<n>`), and passed to its module. Terraform starts a
 * provider process per configuration it validates or plans (about 0.6 s of CPU each for the AWS
 * provider): stg, prod, dev's bootstrap and the 50-source stack in one root went from six to three.
 * A stack with aliases or other providers keeps its blocks in its module.
 */
export function prepareOfflineModuleRoot(root: string, stacks: Record<string, string>): string {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  /** Each distinct AWS provider configuration (its JSON) -> its alias in the root. */
  const shared = new Map<string, string>();
  const modules: Record<string, { source: string; providers?: Record<string, string> }> = {};
  let requiredAws: unknown;
  for (const [name, stackDir] of Object.entries(stacks)) {
    const file = join(stackDir, "cdk.tf.json");
    if (!existsSync(file)) {
      throw new TerraformError(`no synthesized stack in ${stackDir} (cdk.tf.json is missing)`);
    }
    const dest = join(root, name);
    for (const entry of readdirSync(stackDir)) {
      if (entry === ".terraform" || entry === ".terraform.lock.hcl" || entry.endsWith("override.tf.json"))
        continue;
      cpSync(join(stackDir, entry), join(dest, entry), { recursive: true });
    }
    const json = JSON.parse(readFileSync(file, "utf8")) as {
      terraform?: { backend?: unknown; required_providers?: { aws?: unknown } & Record<string, unknown> };
      provider?: { aws?: Record<string, unknown>[] } & Record<string, unknown>;
    };
    if (json.terraform) delete json.terraform.backend;
    requiredAws ??= json.terraform?.required_providers?.aws;
    const aws = json.provider?.aws ?? [];
    for (const config of aws) {
      delete config.allowed_account_ids;
      Object.assign(config, OFFLINE_PROVIDER_FLAGS);
    }
    modules[name] = { source: `./${name}` };
    // A stack whose only provider is one default AWS configuration of plain values gets it from
    // the root, one configuration (and one provider process) shared by every stack with the same
    // settings. Kept in its module: aliases, other providers, and references (`${...}`) to the
    // stack's own variables, data sources or locals, which the root does not have.
    const key = aws.length === 1 ? JSON.stringify(aws[0]) : "";
    const providers = Object.keys(json.terraform?.required_providers ?? { aws: true });
    if (
      json.provider &&
      Object.keys(json.provider).length === 1 &&
      providers.length === 1 &&
      providers[0] === "aws" &&
      key &&
      !("alias" in aws[0]) &&
      !key.includes("${")
    ) {
      const alias = shared.get(key) ?? `stacks_${shared.size + 1}`;
      shared.set(key, alias);
      modules[name].providers = { aws: `aws.${alias}` };
      delete json.provider;
    }
    writeFileSync(join(dest, "cdk.tf.json"), JSON.stringify(json));
  }
  const main: Record<string, unknown> = {};
  if (shared.size > 0) {
    if (requiredAws) main.terraform = { required_providers: { aws: requiredAws } };
    main.provider = { aws: [...shared].map(([config, alias]) => ({ alias, ...JSON.parse(config) })) };
  }
  main.module = modules;
  writeFileSync(join(root, "main.tf.json"), `${JSON.stringify(main, null, 2)}\n`);
  return root;
}
