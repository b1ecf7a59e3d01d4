// Preloaded (`node --require`) by benchmarks: writes this process's CPU time and peak RSS as JSON
// to $RUSAGE_FILE when it exits, so a parent can measure a child without timing its own overhead.
const { writeFileSync } = require("node:fs");
const file = process.env.RUSAGE_FILE;
if (file) {
  process.on("exit", () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKb: u.maxRSS }));
  });
}
