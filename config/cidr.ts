/** Moved to lib/cidr (modules use it too). */
export * from "../lib/cidr";
