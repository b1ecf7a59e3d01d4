/** KMS action lists used by grant methods. */
export const KMS_DECRYPT = ["kms:Decrypt", "kms:DescribeKey"] as const;
export const KMS_ENCRYPT_DECRYPT = [
  "kms:Decrypt",
  "kms:Encrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
] as const;
