/** Enables the project APIs the platform needs; never disables them on destroy. */
import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { Construct } from "constructs";

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
  readonly projectId: string;
  /** @default DEFAULT_GCP_SERVICES */
  readonly services?: readonly string[];
}

export class GcpServices extends Construct {
  readonly services: ProjectService[];

  constructor(scope: Construct, id: string, props: GcpServicesProps) {
    super(scope, id);
    this.services = (props.services ?? DEFAULT_GCP_SERVICES).map(
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
