/** S3 action lists used by the bucket's grant methods. */
export const BUCKET_READ_OBJECT = ["s3:GetObject", "s3:GetObjectVersion"] as const;
export const BUCKET_LIST = ["s3:ListBucket", "s3:GetBucketLocation"] as const;
export const BUCKET_WRITE_OBJECT = [
  "s3:PutObject",
  "s3:AbortMultipartUpload",
  "s3:ListMultipartUploadParts",
] as const;
export const BUCKET_DELETE_OBJECT = ["s3:DeleteObject"] as const;
export const BUCKET_PUT_OBJECT = ["s3:PutObject"] as const;
