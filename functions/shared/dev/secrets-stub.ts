/**
 * A Secrets Manager stand-in on loopback speaking the real JSON protocol for GetSecretValue
 * (`X-Amz-Target: secretsmanager.GetSecretValue`), so the real SDK client and Powertools
 * provider are exercised. There is no npm server for Secrets Manager; this is the smallest one.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export class SecretsStub {
  readonly secrets = new Map<string, string>();
  calls = 0;
  private server?: Server;
  url = "";

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        this.calls++;
        const target = req.headers["x-amz-target"];
        const { SecretId } = JSON.parse(body || "{}") as { SecretId?: string };
        const value = SecretId ? this.secrets.get(SecretId) : undefined;
        if (target !== "secretsmanager.GetSecretValue" || value === undefined) {
          res.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
          res.end(
            JSON.stringify({
              __type: "ResourceNotFoundException",
              message: `Secrets Manager can't find the specified secret: ${SecretId}`,
            }),
          );
          return;
        }
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
        res.end(
          JSON.stringify({
            ARN: `arn:aws:secretsmanager:ap-northeast-1:000000000000:secret:${SecretId}`,
            Name: SecretId,
            SecretString: value,
            VersionId: "v1",
            CreatedDate: 1,
          }),
        );
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}
