export function repositoryFiles(root: string): string[];
export function scan(
  root: string,
  files: string[],
  opts?: { format?: string },
): { status: number; output: string; files: number };
export function scanAll(
  jobs: { root: string; files: string[]; format?: string }[],
): { status: number; output: string; files: number }[];
