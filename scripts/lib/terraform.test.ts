import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../../test/helpers/temp";
import { terraformBinary } from "./terraform";

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
