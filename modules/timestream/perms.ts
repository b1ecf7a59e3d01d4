/** Timestream action lists used by the grant methods. */
export const TIMESTREAM_WRITE = ["timestream:WriteRecords"] as const;
export const TIMESTREAM_READ = ["timestream:Select", "timestream:DescribeTable"] as const;
/** Endpoint discovery: account-wide by design (no resource-level permission). */
export const TIMESTREAM_DESCRIBE_ENDPOINTS = ["timestream:DescribeEndpoints"] as const;
