/** IAM action lists of the state store: CI grants and the bucket and key policies' denies. */
export const STATE_KEY_USE = [
  "kms:Decrypt",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:DescribeKey",
] as const;
export const STATE_KEY_READ = ["kms:Decrypt", "kms:DescribeKey"] as const;
/** Terraform's S3 backend with a DynamoDB table: the lock and the state digest (`<bucket>/<key>-md5`). */
export const LOCK_TABLE_READ = ["dynamodb:DescribeTable", "dynamodb:GetItem"] as const;
export const LOCK_TABLE_WRITE = ["dynamodb:PutItem", "dynamodb:DeleteItem"] as const;
/** What changes a bucket or key itself: no CI role may do any of it to the state store. */
export const STATE_BUCKET_ADMIN = [
  "s3:PutBucket*",
  "s3:DeleteBucket*",
  "s3:PutLifecycleConfiguration",
  "s3:PutEncryptionConfiguration",
  "s3:PutReplicationConfiguration",
  "s3:PutObjectLockConfiguration",
  "s3:DeleteObjectVersion",
] as const;
export const STATE_KEY_ADMIN = [
  "kms:PutKeyPolicy",
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
  "kms:CreateGrant",
  "kms:UpdateAlias",
  "kms:DeleteAlias",
] as const;
export const STATE_OBJECT_WRITE = ["s3:PutObject", "s3:DeleteObject"] as const;
/** Every way of writing an object a plan role must never use (on top of STATE_OBJECT_WRITE). */
export const STATE_OBJECT_WRITE_ANY = ["s3:PutObject*", "s3:RestoreObject"] as const;
/** What a plan role may never do with the state key (it reads state, never writes it). */
export const STATE_KEY_ENCRYPT = ["kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"] as const;
