/** KMS action lists used by the key's grant methods and its key policy. */
export const KMS_DECRYPT = ["kms:Decrypt", "kms:DescribeKey"] as const;
export const KMS_ENCRYPT_DECRYPT = [
  "kms:Decrypt",
  "kms:Encrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
] as const;
/** What an AWS service principal named in `services` may do with the key (for this account). */
export const KMS_SERVICE_USE = [...KMS_ENCRYPT_DECRYPT, "kms:DescribeKey"] as const;
