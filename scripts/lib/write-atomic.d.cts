/** Types of ./write-atomic.cjs. */
export function writeAtomic(file: string, data: string | Buffer): void;
