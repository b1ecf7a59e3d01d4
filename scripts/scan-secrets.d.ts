export function repositoryFiles(root: string): string[];
/** `cache`: a file of clean verdicts; `scanned`: how many files secretlint saw. */
export function scan(
  root: string,
  files: string[],
  opts?: { format?: string; cache?: string },
): { status: number; output: string; files: number; scanned: number };
export function scanAll(
  jobs: { root: string; files: string[]; format?: string; cache?: string }[],
): { status: number; output: string; files: number; scanned: number }[];
export function nextClean(
  files: string[],
  before: Map<string, string>,
  after: Map<string, string>,
  clean: Set<string>,
  status: number,
): Set<string>;
export function cacheFileFor(o: {
  root: string;
  noCache?: boolean;
  named: number;
  env?: NodeJS.ProcessEnv;
}): string | undefined;
