/** Enables the project APIs the platform needs; never disables them (or their dependants) on destroy. */
import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { Construct } from "constructs";
import { PropsValidator } from "../../lib/props";

export const DEFAULT_GCP_SERVICES = [
  "bigquery.googleapis.com",
  "iam.googleapis.com",
  "iamcredentials.googleapis.com",
  "sts.googleapis.com",
  "cloudkms.googleapis.com",
  "cloudresourcemanager.googleapis.com",
  "serviceusage.googleapis.com",
] as const;

export interface GcpServicesProps {
  /** GCP project id the APIs are enabled in. */
  readonly projectId: string;
  /** Service names, `<api>.googleapis.com`. @default DEFAULT_GCP_SERVICES */
  readonly services?: readonly string[];
}

export class GcpServices extends Construct {
  /** One `google_project_service` per API, in the order given: depend on these before using an API. */
  readonly services: ProjectService[];

  constructor(scope: Construct, id: string, props: GcpServicesProps) {
    super(scope, id);
    const services = props.services ?? DEFAULT_GCP_SERVICES;
    const v = new PropsValidator("GcpServices", id);
    v.matches(
      "projectId",
      props.projectId,
      /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
      "a GCP project id (6-30 lowercase letters, digits, '-')",
    );
    const seen = new Set<string>();
    services.forEach((s, i) => {
      v.matches(
        `services[${i}]`,
        s,
        /^[a-z][a-z0-9-]*\.googleapis\.com$/,
        "a service name like bigquery.googleapis.com",
      );
      if (seen.has(s.split(".")[0])) v.fail(`services[${i}]`, "is listed twice", s);
      seen.add(s.split(".")[0]);
    });
    v.throwIfInvalid();
    this.services = services.map(
      (service) =>
        new ProjectService(this, service.split(".")[0], {
          project: props.projectId,
          service,
          disableOnDestroy: false,
          disableDependentServices: false,
        }),
    );
  }
}
