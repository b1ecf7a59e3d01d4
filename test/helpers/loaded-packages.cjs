// Preloaded (`node --require`) into a script run by test/scripts-args.test.ts: when the process
// exits, writes to file descriptor 3 (a pipe the test opened) the packages under node_modules that
// the process loaded, one JSON array. The script's own stdout and stderr are left alone.
const { writeSync } = require("node:fs");

process.on("exit", () => {
  const packages = new Set();
  for (const file of Object.keys(require.cache)) {
    const m = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(file);
    if (m) packages.add(m[1].replace(/\\/g, "/"));
  }
  try {
    writeSync(3, JSON.stringify([...packages].sort()));
  } catch {
    // fd 3 is not open: run outside the test, nothing to report.
  }
});
