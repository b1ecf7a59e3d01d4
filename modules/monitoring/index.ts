/**
 * Monitoring per environment: an SNS topic (KMS) with email subscriptions, and a dashboard.
 * It offers the topic and the dashboard as an `AlarmTarget`; each module creates its own alarms,
 * in its own scope, with `metricAlarm(this, id, target, props)` (they notify the topic on ALARM
 * and OK) and adds graphs with `target.addWidget`. The dashboard body is rendered at synth.
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
  /** `<prefix>-<env>`: the topic is `<name>-alarms`, the dashboard `<name>`. */
  readonly name: string;
  /** Encrypts the topic. */
  readonly key: KmsKey;
  /** Region of the dashboard's graphs. */
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

/** The usual "it happened at least once in five minutes" alarm (sum over 300 s >= 1). */
export const ONCE_IN_FIVE_MINUTES = {
  period: 300,
  evaluationPeriods: 1,
  comparisonOperator: "GreaterThanOrEqualToThreshold",
  threshold: 1,
  statistic: "Sum",
} as const;

/** "Not seen for 26 hours" (a daily job missed its run): every hourly datapoint below 1, missing data breaching. */
export const NONE_IN_26_HOURS = {
  period: 3600,
  evaluationPeriods: 26,
  datapointsToAlarm: 26,
  comparisonOperator: "LessThanThreshold",
  threshold: 1,
  treatMissingData: "breaching",
} as const;

/** Where a module's alarms notify and its graphs go (a `Monitoring`, or a stand-in in tests). */
export interface AlarmTarget {
  /** ARN of the SNS topic alarms notify on ALARM and OK. */
  readonly topicArn: string;
  /** Adds a graph to the environment's dashboard (see `Monitoring.addWidget`). */
  addWidget(title: string, metrics: unknown[], stat?: string, options?: WidgetOptions): void;
}

/**
 * A CloudWatch alarm in `scope` (the module owning what it watches) that notifies `target`'s
 * topic on ALARM and OK. Missing data is not breaching unless `treatMissingData` says so.
 */
export function metricAlarm(
  scope: Construct,
  id: string,
  target: Pick<AlarmTarget, "topicArn">,
  props: AlarmProps,
): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    treatMissingData: "notBreaching",
    ...props,
    alarmActions: [target.topicArn],
    okActions: [target.topicArn],
  });
}

export class Monitoring extends Construct implements AlarmTarget {
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

  get topicArn(): string {
    return this.topic.arn;
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
