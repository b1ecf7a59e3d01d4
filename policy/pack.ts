/** The rule pack applied to every stack. */
import { ec2Rules } from "./rules/aws/ec2";
import { hostRules } from "./rules/aws/host";
import { iamRules } from "./rules/aws/iam";
import { lambdaRules } from "./rules/aws/lambda";
import { limitRules } from "./rules/aws/limits";
import { orchestrationRules } from "./rules/aws/orchestration";
import { quotaRules } from "./rules/aws/quotas";
import { s3Rules } from "./rules/aws/s3";
import { serviceRules } from "./rules/aws/services";
import { vpcEndpointRules } from "./rules/aws/vpc-endpoints";
import { ciIdentityRules } from "./rules/ci/identity";
import { commonRules } from "./rules/common";
import { gcpRules } from "./rules/gcp/gcp";
import type { Rule } from "./types";

/** A suppression without a reason of real words is itself a violation of this rule. */
export const SUPPRESSION_RULE = {
  id: "POLICY-SUPPRESSION-REASON",
  source: "project",
  description: "Every suppression names an existing rule and gives a reason of real words",
  fix: "suppress(resource, ruleId, '<why this is safe here, in a sentence>')",
};

export const RULES: Rule[] = [
  ...s3Rules,
  ...ec2Rules,
  ...iamRules,
  ...hostRules,
  ...vpcEndpointRules,
  ...serviceRules,
  ...lambdaRules,
  ...orchestrationRules,
  ...limitRules,
  ...quotaRules,
  ...commonRules,
  ...gcpRules,
  ...ciIdentityRules,
];
