/** DynamoDB action lists used by the settings table's grant methods. */
export const TABLE_READ = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem"] as const;
/** Run state items: written and updated conditionally by the functions. */
export const TABLE_WRITE = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:ConditionCheckItem",
] as const;
