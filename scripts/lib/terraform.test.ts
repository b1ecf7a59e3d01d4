import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { terraformBinary } from "./terraform";

function fakeTerraform(script: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "tf-")), "terraform");
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
