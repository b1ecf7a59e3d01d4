/** IAM policy document types and helpers (documents are built in TypeScript, no data source). */
import { mergeStatements } from "./merge";
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: Record<string, string | string[]> | "*";
  Action: string | string[];
  Resource?: string | string[];
  /** Every resource except these (deny statements that carve out an exception). */
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

/** The JSON document, statements merged where that keeps its meaning (see merge.ts). */
export function policyDocument(statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: mergeStatements(statements) });
}

/**
 * Trust policy letting an AWS service assume a role, scoped to `accountId` when given
 * (confused-deputy guard). EC2 sends no `aws:SourceAccount` for instance profiles: pass none.
 */
export function serviceTrust(service: string, accountId?: string): string {
  return policyDocument([
    {
      Effect: "Allow",
      Principal: { Service: service },
      Action: "sts:AssumeRole",
      ...(accountId ? { Condition: { StringEquals: { "aws:SourceAccount": accountId } } } : {}),
    },
  ]);
}
