/** CLI: serves the demo SaaS API and prints `{"url": ...}`; `--total N --page-size N [--token T]`. */
import { DemoSaasServer } from "./demo-saas-server";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const server = new DemoSaasServer({
  total: Number(arg("total", "1000")),
  pageSize: Number(arg("page-size", "100")),
  token: arg("token", "") || undefined,
});
server.start().then((url) => process.stdout.write(`${JSON.stringify({ url })}\n`));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
