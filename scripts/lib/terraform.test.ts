import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../../test/helpers/temp";
import { prepareOfflineModuleRoot, TERRAFORM_GOGC, terraform, terraformBinary } from "./terraform";

function fakeTerraform(script: string): string {
  const file = join(tempDir("tf-"), "terraform");
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe("terraformBinary", () => {
  const saved = process.env.TERRAFORM_BIN;
  afterEach(() => {
    process.env.TERRAFORM_BIN = saved;
  });

  it("says what to install when Terraform is missing", () => {
    process.env.TERRAFORM_BIN = "/nonexistent/terraform";
    expect(() => terraformBinary()).toThrow(
      /Terraform was not found \("\/nonexistent\/terraform"\)\. Install Terraform >= 1\.10/,
    );
  });

  it("refuses a Terraform older than 1.10", () => {
    process.env.TERRAFORM_BIN = fakeTerraform(`echo '{"terraform_version":"1.9.8"}'`);
    expect(() => terraformBinary()).toThrow("Terraform 1.9.8 is too old: install Terraform >= 1.10");
  });

  it("accepts 1.10 and later", () => {
    process.env.TERRAFORM_BIN = fakeTerraform(`echo '{"terraform_version":"1.11.4"}'`);
    expect(terraformBinary()).toBe(process.env.TERRAFORM_BIN);
  });
});

describe("terraform", () => {
  const saved = { bin: process.env.TERRAFORM_BIN, gogc: process.env.GOGC };
  afterEach(() => {
    process.env.TERRAFORM_BIN = saved.bin;
    if (saved.gogc === undefined) delete process.env.GOGC;
    else process.env.GOGC = saved.gogc;
  });
  const echoGogc = () =>
    fakeTerraform(
      `if [ "$1" = version ]; then echo '{"terraform_version":"1.11.4"}'; else printf %s "$GOGC"; fi`,
    );

  it("runs Terraform (and so its providers) with a less eager garbage collector", () => {
    process.env.TERRAFORM_BIN = echoGogc();
    delete process.env.GOGC;
    expect(terraform(["plan"], { cwd: tempDir("tf-cwd-") }).stdout).toBe(TERRAFORM_GOGC);
  });

  it("keeps a GOGC the caller set", () => {
    process.env.TERRAFORM_BIN = echoGogc();
    process.env.GOGC = "100";
    expect(terraform(["plan"], { cwd: tempDir("tf-cwd-") }).stdout).toBe("100");
  });
});

describe("prepareOfflineModuleRoot", () => {
  const tags = (environment: string) => [{ tags: { environment, project: "dp" } }];
  const aws = (environment: string, account: string) => ({
    allowed_account_ids: [account],
    default_tags: tags(environment),
    region: "ap-northeast-1",
  });
  function stack(dir: string, provider: Record<string, unknown>) {
    mkdirSync(dir, { recursive: true });
    const json = {
      terraform: {
        backend: { s3: { bucket: "state" } },
        required_providers: {
          aws: { source: "aws", version: "5.100.0" },
          ...Object.fromEntries(
            Object.keys(provider)
              .filter((p) => p !== "aws")
              .map((p) => [p, { source: p }]),
          ),
        },
      },
      provider,
      resource: { aws_sns_topic: { t: { name: "t" } } },
    };
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json));
    return dir;
  }
  const read = (file: string) => JSON.parse(readFileSync(file, "utf8"));

  it("gives stacks with the same provider configuration one configuration in the root, offline, and keeps the others' own", () => {
    const src = tempDir("stacks-");
    const root = join(tempDir("root-"), "root");
    prepareOfflineModuleRoot(root, {
      "aws-stg": stack(join(src, "aws-stg"), { aws: [aws("stg", "222222222222")] }),
      "bootstrap-stg": stack(join(src, "bootstrap-stg"), { aws: [aws("stg", "222222222222")] }),
      "aws-prod": stack(join(src, "aws-prod"), { aws: [aws("prod", "333333333333")] }),
      "two-regions": stack(join(src, "two-regions"), {
        aws: [
          aws("dev", "111111111111"),
          { ...aws("dev", "111111111111"), alias: "us", region: "us-east-1" },
        ],
      }),
      "with-google": stack(join(src, "with-google"), {
        aws: [aws("stg", "222222222222")],
        google: [{ project: "p" }],
      }),
      "role-from-variable": stack(join(src, "role-from-variable"), {
        aws: [{ ...aws("stg", "222222222222"), assume_role: [{ role_arn: "${var.role}" }] }],
      }),
      "no-provider": stack(join(src, "no-provider"), {}),
    });
    const main = read(join(root, "main.tf.json"));
    const offline = {
      region: "ap-northeast-1",
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
    };
    expect(main.provider.aws).toEqual([
      { alias: "stacks_1", default_tags: tags("stg"), ...offline },
      { alias: "stacks_2", default_tags: tags("prod"), ...offline },
    ]);
    expect(main.terraform).toEqual({ required_providers: { aws: { source: "aws", version: "5.100.0" } } });
    expect(main.module).toEqual({
      "aws-stg": { source: "./aws-stg", providers: { aws: "aws.stacks_1" } },
      "bootstrap-stg": { source: "./bootstrap-stg", providers: { aws: "aws.stacks_1" } },
      "aws-prod": { source: "./aws-prod", providers: { aws: "aws.stacks_2" } },
      "two-regions": { source: "./two-regions" },
      "with-google": { source: "./with-google" },
      "role-from-variable": { source: "./role-from-variable" },
      "no-provider": { source: "./no-provider" },
    });
    // Moved to the root: not in the copy (which still requires the provider it is passed).
    const moved = read(join(root, "aws-stg", "cdk.tf.json"));
    expect(moved.provider).toBeUndefined();
    expect(moved.terraform.required_providers).toEqual({ aws: { source: "aws", version: "5.100.0" } });
    // Kept in their modules (another provider, a reference, two configurations): offline, no guard.
    expect(read(join(root, "with-google", "cdk.tf.json")).provider).toEqual({
      aws: [{ default_tags: tags("stg"), ...offline }],
      google: [{ project: "p" }],
    });
    expect(read(join(root, "role-from-variable", "cdk.tf.json")).provider.aws).toEqual([
      { default_tags: tags("stg"), ...offline, assume_role: [{ role_arn: "${var.role}" }] },
    ]);
    const kept = read(join(root, "two-regions", "cdk.tf.json"));
    expect(kept.provider.aws).toEqual([
      { default_tags: tags("dev"), ...offline },
      { default_tags: tags("dev"), ...offline, alias: "us", region: "us-east-1" },
    ]);
    expect(kept.terraform.backend).toBeUndefined();
    // The synthesized folders are not written to.
    expect(read(join(src, "aws-stg", "cdk.tf.json")).provider.aws[0].allowed_account_ids).toEqual([
      "222222222222",
    ]);
  });
});
