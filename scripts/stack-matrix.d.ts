export interface StackEntry {
  stack: string;
  cloud: "aws" | "gcp";
  env: string;
  ENV: string;
}
export function stackMatrix(manifest: { stacks: Record<string, unknown> }, env?: string): StackEntry[];
