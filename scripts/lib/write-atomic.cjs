/**
 * Writes a file so that a reader sees the old content or the new one, never a part: the data goes
 * to a temporary file of this process and thread beside it, renamed into place. The temporary file
 * is gone afterwards, whether the write succeeded or threw. Used by the Lambda bundler's outputs
 * (functions/build.ts), the TypeScript hook's cache (./ts-transform.cjs) and the secret scan's
 * clean verdicts (../scan-secrets.js). Plain JavaScript, for the last two.
 */
const { randomBytes } = require("node:crypto");
const { renameSync, rmSync, writeFileSync } = require("node:fs");
const { threadId } = require("node:worker_threads");

/**
 * @param {string} file
 * @param {string | Buffer} data
 */
function writeAtomic(file, data) {
  const temporary = `${file}.${process.pid}-${threadId}-${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

module.exports = { writeAtomic };
