/**
 * Monitoring per environment: an SNS topic (KMS) with email subscriptions from config, CloudWatch
 * alarms that notify it, and a dashboard. Other constructs add alarms and widgets through
 * `addAlarm` / `addWidget`; the dashboard body is rendered at synth.
 */
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmConfig,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import type { KmsKey } from "../kms-key";

export interface MonitoringProps {
  readonly name: string;
  readonly key: KmsKey;
  readonly region: string;
  /** Email addresses notified of alarms. @default [] */
  readonly alarmEmails?: string[];
}

export type AlarmProps = Omit<CloudwatchMetricAlarmConfig, "alarmActions" | "okActions" | "alarmName"> & {
  alarmName: string;
};

export interface WidgetOptions {
  /** Seconds per datapoint. @default 300 */
  readonly period?: number;
  /** Horizontal lines (e.g. provisioned limits, alarm thresholds). @default [] */
  readonly horizontalLines?: Array<{ value: number; label: string; color?: string }>;
  /** Left Y axis label (the axis starts at 0). @default - CloudWatch's */
  readonly yAxisLabel?: string;
}

export class Monitoring extends Construct {
  readonly topic: SnsTopic;
  private readonly widgets: Record<string, unknown>[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: MonitoringProps,
  ) {
    super(scope, id);
    this.topic = new SnsTopic(this, "alarms", {
      name: `${props.name}-alarms`,
      kmsMasterKeyId: props.key.arn,
    });
    (props.alarmEmails ?? []).forEach((email, i) => {
      new SnsTopicSubscription(this, `email-${i}`, {
        topicArn: this.topic.arn,
        protocol: "email",
        endpoint: email,
      });
    });
    new CloudwatchDashboard(this, "dashboard", {
      dashboardName: props.name,
      dashboardBody: Lazy.stringValue({
        produce: () =>
          JSON.stringify({
            widgets:
              this.widgets.length > 0
                ? this.widgets
                : [
                    {
                      type: "text",
                      x: 0,
                      y: 0,
                      width: 24,
                      height: 2,
                      properties: { markdown: `# ${props.name}` },
                    },
                  ],
          }),
      }),
    });
  }

  /** An alarm that notifies the topic on ALARM and OK; missing data is not breaching unless set. */
  addAlarm(id: string, props: AlarmProps): CloudwatchMetricAlarm {
    return new CloudwatchMetricAlarm(this, id, {
      treatMissingData: "notBreaching",
      ...props,
      alarmActions: [this.topic.arn],
      okActions: [this.topic.arn],
    });
  }

  /**
   * A metric graph on the dashboard (`metrics` in CloudWatch's dashboard JSON form: metric arrays,
   * or `{ expression, id, label }` objects for metric math).
   */
  addWidget(title: string, metrics: unknown[], stat = "Sum", options: WidgetOptions = {}): void {
    const i = this.widgets.length;
    this.widgets.push({
      type: "metric",
      x: (i % 2) * 12,
      y: Math.floor(i / 2) * 6,
      width: 12,
      height: 6,
      properties: {
        title,
        region: this.props.region,
        stat,
        period: options.period ?? 300,
        view: "timeSeries",
        metrics,
        ...(options.horizontalLines?.length ? { annotations: { horizontal: options.horizontalLines } } : {}),
        ...(options.yAxisLabel ? { yAxis: { left: { label: options.yAxisLabel, min: 0 } } } : {}),
      },
    });
  }
}
