import { gcpTestStack, PROJECT, synthesize } from "../../test/helpers/stack";
import { DEFAULT_GCP_SERVICES, GcpServices } from ".";

describe("GcpServices", () => {
  it("enables the default APIs and never disables them or their dependants on destroy", () => {
    const { stack } = gcpTestStack();
    new GcpServices(stack, "apis", { projectId: PROJECT });
    const services = Object.values(synthesize(stack).of("google_project_service"));
    expect(services.map((s) => s.service).sort()).toEqual([...DEFAULT_GCP_SERVICES].sort());
    for (const s of services)
      expect(s).toMatchObject({
        project: PROJECT,
        disable_on_destroy: false,
        disable_dependent_services: false,
      });
  });

  it("refuses a bad project id, a malformed service and a duplicate, in one error", () => {
    const { stack } = gcpTestStack();
    expect(
      () =>
        new GcpServices(stack, "apis", {
          projectId: "My_Project",
          services: ["bigquery.googleapis.com", "bigquery", "bigquery.googleapis.com"],
        }),
    ).toThrow(
      `GcpServices apis: projectId must be a GCP project id (6-30 lowercase letters, digits, '-') (got "My_Project"); services[1] must be a service name like bigquery.googleapis.com (got "bigquery"); services[1] is listed twice (got "bigquery"); services[2] is listed twice (got "bigquery.googleapis.com")`,
    );
  });
});
