/** Captures the EMF documents Powertools Metrics writes to stdout while `act` runs (metrics enabled). */
export async function captureEmf(act: () => Promise<void>): Promise<any[]> {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  const previous = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = "false";
  try {
    await act();
  } finally {
    spy.mockRestore();
    process.env.POWERTOOLS_METRICS_DISABLED = previous;
  }
  return lines.filter((l) => l.includes("_aws")).map((l) => JSON.parse(l));
}
