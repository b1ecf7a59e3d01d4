export function repositoryFiles(root: string): string[];
export function scan(
  root: string,
  files: string[],
  opts?: { format?: string },
): { status: number; output: string; files: number };
