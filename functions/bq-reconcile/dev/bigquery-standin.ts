/**
 * A local BigQuery REST stand-in (plus the Google STS and IAM Credentials endpoints of keyless
 * auth), for tests and `npm run reconcile:local`. It serves exactly what the reconcile function
 * calls, from data the caller controls:
 * - POST /v1/token: STS exchange; checks the audience and that the subject token is a signed
 *   AWS GetCallerIdentity request bound to that audience;
 * - POST /v1/projects/-/serviceAccounts/<email>:generateAccessToken: impersonation;
 * - POST /bigquery/v2/projects/<p>/jobs (query jobs), GET …/queries/<jobId> (results),
 *   GET …/datasets/<d>/tables/<t> (metadata, lastModifiedTime).
 * Queries are answered only when parameterised (`@runDate`, no date literal) and filtered on the
 * table's partition column; `maximumBytesBilled` is enforced like BigQuery does.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface StandInTable {
  /** Rows per date (YYYY-MM-DD). */
  rowsByDate: Record<string, number>;
  partitionColumn: string;
  lastModified: Date;
  /** Bytes a one-partition count scans. @default 1 MiB */
  bytesPerPartition?: number;
  /** Answer 403 accessDenied for this table. */
  forbidden?: boolean;
}

export interface StandInOptions {
  /** `project.dataset.table` -> data. */
  tables: Record<string, StandInTable>;
  /** Audience the STS endpoint accepts. */
  audience: string;
  serviceAccountEmail: string;
  /** Fault injection. */
  faults?: { sts?: boolean; impersonation?: boolean };
}

export interface RequestLog {
  method: string;
  path: string;
  body?: any;
}

export interface BigQueryStandIn {
  url: string;
  options: StandInOptions;
  requests: RequestLog[];
  close(): Promise<void>;
}

const FEDERATED = "federated-token-local";
/** Fields of JobConfigurationQuery the stand-in knows (the real API refuses unknown names). */
const QUERY_FIELDS = new Set([
  "query",
  "useLegacySql",
  "maximumBytesBilled",
  "parameterMode",
  "queryParameters",
  "useQueryCache",
  "priority",
  "jobTimeoutMs",
  "labels",
  "destinationTable",
  "defaultDataset",
]);
const SA_TOKEN = "sa-token-local";

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

const apiError = (code: number, reason: string, message: string) => ({
  error: { code, message, errors: [{ reason, message }], status: reason },
});

export async function startBigQueryStandIn(options: StandInOptions): Promise<BigQueryStandIn> {
  const requests: RequestLog[] = [];
  const results = new Map<string, number>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://local");
    const raw = await readBody(req);
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    requests.push({ method: req.method ?? "", path: url.pathname, body });
    const path = url.pathname;

    if (req.method === "POST" && path === "/v1/token") {
      const form = new URLSearchParams(raw);
      if (options.faults?.sts)
        return send(res, 400, {
          error: "invalid_grant",
          error_description: "The given credential is rejected by the attribute condition.",
        });
      if (form.get("audience") !== options.audience)
        return send(res, 400, {
          error: "invalid_target",
          error_description: `audience ${form.get("audience")} is not a provider of this pool`,
        });
      let token: any;
      try {
        token = JSON.parse(decodeURIComponent(form.get("subject_token") ?? ""));
      } catch {
        return send(res, 400, {
          error: "invalid_grant",
          error_description: "subject_token is not a serialized AWS request",
        });
      }
      const headers = Object.fromEntries(
        (token.headers ?? []).map((h: any) => [String(h.key).toLowerCase(), h.value]),
      );
      const signed =
        /Action=GetCallerIdentity/.test(token.url ?? "") &&
        token.method === "POST" &&
        /^AWS4-HMAC-SHA256 Credential=/.test(headers.authorization ?? "") &&
        headers["x-goog-cloud-target-resource"] === options.audience;
      if (!signed)
        return send(res, 400, {
          error: "invalid_grant",
          error_description: "subject_token is not a signed GetCallerIdentity request for this audience",
        });
      return send(res, 200, {
        access_token: FEDERATED,
        issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
        token_type: "Bearer",
        expires_in: 3600,
      });
    }

    const impersonate = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/.exec(path);
    if (req.method === "POST" && impersonate) {
      if (
        options.faults?.impersonation ||
        req.headers.authorization !== `Bearer ${FEDERATED}` ||
        decodeURIComponent(impersonate[1]) !== options.serviceAccountEmail
      )
        return send(
          res,
          403,
          apiError(
            403,
            "PERMISSION_DENIED",
            `Permission 'iam.serviceAccounts.getAccessToken' denied on ${impersonate[1]}`,
          ),
        );
      return send(res, 200, {
        accessToken: SA_TOKEN,
        expireTime: new Date(Date.now() + 3_600_000).toISOString(),
      });
    }

    if (!path.startsWith("/bigquery/v2/"))
      return send(res, 404, apiError(404, "notFound", `no route ${path}`));
    if (req.headers.authorization !== `Bearer ${SA_TOKEN}`)
      return send(res, 401, apiError(401, "unauthorized", "Request is missing a valid access token"));

    const jobs = /^\/bigquery\/v2\/projects\/([^/]+)\/jobs$/.exec(path);
    if (req.method === "POST" && jobs) {
      const q = body?.configuration?.query ?? {};
      const jobReference = {
        projectId: jobs[1],
        jobId: body?.jobReference?.jobId ?? randomUUID(),
        location: body?.jobReference?.location,
      };
      const done = (errors?: Array<{ reason: string; message: string }>) =>
        send(res, 200, {
          kind: "bigquery#job",
          id: `${jobs[1]}:${jobReference.jobId}`,
          jobReference,
          configuration: body?.configuration,
          status: errors ? { state: "DONE", errorResult: errors[0], errors } : { state: "DONE" },
        });
      const fail = (reason: string, message: string) => done([{ reason, message }]);
      const text: string = q.query ?? "";
      const ref = /FROM `([^`]+)`/.exec(text)?.[1] ?? "";
      const table = options.tables[ref];
      if (!table) return fail("notFound", `Not found: Table ${ref.replace(".", ":")} was not found`);
      if (table.forbidden)
        return fail(
          "accessDenied",
          `Access Denied: Table ${ref}: User does not have permission to query table ${ref}`,
        );
      const unknown = Object.keys(q).filter((k) => !QUERY_FIELDS.has(k));
      if (unknown.length)
        return send(
          res,
          400,
          apiError(
            400,
            "invalid",
            `Unknown name ${unknown.map((k) => `"${k}"`).join(", ")} at 'job.configuration.query'`,
          ),
        );
      const param = (q.queryParameters ?? []).find((p: any) => p.name === "runDate");
      if (param && (param.parameterType?.type !== "DATE" || !param.parameterValue?.value))
        return fail(
          "invalidQuery",
          `Query parameter 'runDate' must be a DATE with a value (got ${JSON.stringify(param)})`,
        );
      if (!param || /\d{4}-\d{2}-\d{2}/.test(text))
        return fail("invalidQuery", "stand-in: the run date must be a query parameter, not a literal");
      const filtered = new RegExp(`\`${table.partitionColumn}\`\\s*(=|>=)`).test(text);
      const perPartition = table.bytesPerPartition ?? 1024 * 1024;
      const scanned = filtered
        ? perPartition
        : perPartition * Math.max(1, Object.keys(table.rowsByDate).length);
      const cap = q.maximumBytesBilled === undefined ? undefined : Number(q.maximumBytesBilled);
      if (cap === undefined) return fail("invalidQuery", "stand-in: maximumBytesBilled must be set");
      if (scanned > cap)
        return fail(
          "bytesBilledLimitExceeded",
          `Query exceeded limit for bytes billed: ${cap}. ${scanned} or higher required.`,
        );
      results.set(jobReference.jobId, table.rowsByDate[param.parameterValue?.value] ?? 0);
      return done();
    }

    const queries = /^\/bigquery\/v2\/projects\/([^/]+)\/queries\/([^/]+)$/.exec(path);
    if (req.method === "GET" && queries) {
      const n = results.get(queries[2]);
      if (n === undefined) return send(res, 404, apiError(404, "notFound", `Not found: Job ${queries[2]}`));
      return send(res, 200, {
        kind: "bigquery#getQueryResultsResponse",
        jobReference: { projectId: queries[1], jobId: queries[2] },
        jobComplete: true,
        totalRows: "1",
        schema: { fields: [{ name: "row_count", type: "INTEGER", mode: "NULLABLE" }] },
        rows: [{ f: [{ v: String(n) }] }],
      });
    }

    const tables = /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/.exec(path);
    if (req.method === "GET" && tables) {
      const ref = `${tables[1]}.${tables[2]}.${tables[3]}`;
      const t = options.tables[ref];
      if (!t)
        return send(
          res,
          404,
          apiError(404, "notFound", `Not found: Table ${tables[1]}:${tables[2]}.${tables[3]}`),
        );
      if (t.forbidden) return send(res, 403, apiError(403, "accessDenied", `Access Denied: Table ${ref}`));
      return send(res, 200, {
        kind: "bigquery#table",
        id: `${tables[1]}:${tables[2]}.${tables[3]}`,
        tableReference: { projectId: tables[1], datasetId: tables[2], tableId: tables[3] },
        lastModifiedTime: String(t.lastModified.getTime()),
        timePartitioning: { type: "DAY", field: t.partitionColumn },
      });
    }
    return send(res, 404, apiError(404, "notFound", `no route ${req.method} ${path}`));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => send(res, 500, apiError(500, "internalError", String(e))));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    options,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
