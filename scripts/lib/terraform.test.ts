import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../../test/helpers/temp";
import { TERRAFORM_GOGC, terraform, terraformBinary } from "./terraform";

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
