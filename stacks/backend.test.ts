import { TerraformStack, Testing } from "cdktf";
import type { StateConfig } from "../config/schema";
import { configureBackend } from "./backend";

function backendOf(state: StateConfig) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "dp-aws-dev");
  configureBackend(stack, "dp-aws-dev", "dev", state);
  return JSON.parse(Testing.synth(stack)).terraform;
}

describe("configureBackend", () => {
  it("puts each stack at <env>/<stack>.tfstate with S3 lockfile locking and encryption", () => {
    const tf = backendOf({ type: "s3", bucket: "b", region: "ap-northeast-1", lock: "lockfile" });
    expect(tf.backend.s3).toEqual({
      bucket: "b",
      key: "dev/dp-aws-dev.tfstate",
      region: "ap-northeast-1",
      encrypt: true,
      use_lockfile: true,
    });
  });

  it("uses a DynamoDB lock table when configured", () => {
    const tf = backendOf({
      type: "s3",
      bucket: "b",
      region: "ap-northeast-1",
      lock: "dynamodb",
      dynamodbTable: "locks",
    });
    expect(tf.backend.s3.dynamodb_table).toBe("locks");
    expect(tf.backend.s3.use_lockfile).toBeUndefined();
  });

  it("supports GCS and HCP Terraform workspaces", () => {
    expect(backendOf({ type: "gcs", bucket: "g", prefix: "tf" }).backend.gcs).toEqual({
      bucket: "g",
      prefix: "tf/dev/dp-aws-dev",
    });
    const cloud = backendOf({
      type: "cloud",
      organization: "acme",
      hostname: "app.terraform.io",
      workspacePrefix: "dp-",
    });
    expect(cloud.cloud).toEqual({
      hostname: "app.terraform.io",
      organization: "acme",
      workspaces: { name: "dp-dp-aws-dev" },
    });
  });
});
