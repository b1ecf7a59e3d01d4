/** Cheap stand-ins for module tests of the pipeline functions: a bundle, an alarm target, data constructs. */
import { join } from "node:path";
import type { Bundle } from "../../functions/build";
import type { AlarmTarget } from "../../modules/monitoring";
import { SecureBucket } from "../../modules/secure-bucket";
import { SettingsTable } from "../../modules/settings-table";
import { ACCOUNT, awsTestStack } from "./stack";

/** A bundle whose zip is a small fixture file (tests synthesize, never deploy). */
export function fakeBundle(name = "fn"): Bundle {
  return {
    name,
    dir: join(__dirname, "..", "fixtures"),
    bytes: 10,
    zip: join(__dirname, "..", "fixtures", "fake-bundle.zip"),
    sha256: "0".repeat(64),
    sourceCodeHash: "AAAA",
  } as Bundle;
}

export const TOPIC_ARN = "arn:aws:sns:ap-northeast-1:111111111111:alarms";

/** Records the widgets a module adds; alarms notify TOPIC_ARN. */
export class RecordingAlarmTarget implements AlarmTarget {
  readonly topicArn = TOPIC_ARN;
  readonly widgets: string[] = [];
  addWidget(title: string): void {
    this.widgets.push(title);
  }
}

/** A stack with a key, a settings table and a raw bucket. */
export function pipelineTestStack() {
  const { stack, key } = awsTestStack();
  const settings = new SettingsTable(stack, "settings", { tableName: "dp-dev-settings", key });
  const raw = new SecureBucket(stack, "raw", { bucketName: "dp-dev-raw", kmsKey: key, accountId: ACCOUNT });
  return { stack, key, settings, raw, alarms: new RecordingAlarmTarget() };
}
