import { Construct } from "constructs";
import { awsTestStack, REGION, synthesize } from "../../test/helpers/stack";
import { Monitoring, metricAlarm } from ".";

function make(alarmEmails?: string[]) {
  const { stack, key } = awsTestStack();
  const m = new Monitoring(stack, "monitoring", { name: "dp-dev", key, region: REGION, alarmEmails });
  return { stack, m };
}

describe("Monitoring", () => {
  it("encrypts its topic and subscribes each alarm email", () => {
    const { stack } = make(["a@example.com", "b@example.com"]);
    const s = synthesize(stack);
    expect(s.one("aws_sns_topic")).toMatchObject({ name: "dp-dev-alarms" });
    expect(s.one("aws_sns_topic").kms_master_key_id).toContain("aws_kms_key.key");
    expect(Object.values(s.of("aws_sns_topic_subscription")).map((x) => x.endpoint)).toEqual([
      "a@example.com",
      "b@example.com",
    ]);
  });

  it("offers its topic: an alarm created in another construct's scope notifies it on ALARM and OK", () => {
    const { stack, m } = make();
    const module = new Construct(stack, "some-module");
    metricAlarm(module, "errors", m, {
      alarmName: "x-errors",
      namespace: "AWS/Lambda",
      metricName: "Errors",
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
    });
    const s = synthesize(stack);
    const [[address, alarm]] = Object.entries(s.of("aws_cloudwatch_metric_alarm"));
    expect(address.startsWith("some-module_errors_")).toBe(true);
    expect(alarm.alarm_actions).toEqual([expect.stringContaining("aws_sns_topic.monitoring_alarms")]);
    expect(alarm.ok_actions).toEqual(alarm.alarm_actions);
    expect(alarm.treat_missing_data).toBe("notBreaching");
  });

  it("lays widgets out two per row, with a title-only dashboard when nothing added a graph", () => {
    const empty = synthesize(make().stack);
    expect(JSON.parse(empty.one("aws_cloudwatch_dashboard").dashboard_body).widgets).toEqual([
      expect.objectContaining({ type: "text", properties: { markdown: "# dp-dev" } }),
    ]);
    const { stack, m } = make();
    for (const t of ["a", "b", "c"]) m.addWidget(t, [["AWS/Lambda", "Errors"]]);
    const widgets = JSON.parse(synthesize(stack).one("aws_cloudwatch_dashboard").dashboard_body).widgets;
    expect(widgets.map((w: any) => [w.properties.title, w.x, w.y])).toEqual([
      ["a", 0, 0],
      ["b", 12, 0],
      ["c", 0, 6],
    ]);
    expect(widgets[0].properties.region).toBe(REGION);
  });
});
