/**
 * A configured source's settings pointed at the local demo API's generic endpoint of the same
 * pagination style (see demo-saas-server.ts): what every local runner (ingest:local, curate:local,
 * ops --local) writes as the settings item. Undefined for a style the demo API does not serve
 * generically (the README recipes have their own copies, demo-saas-apis.ts).
 */

/** Path and records location of each generic endpoint. */
export const DEMO_ENDPOINTS: Readonly<Record<string, { path: string; records: string }>> = {
  none: { path: "/none", records: "data" },
  cursor: { path: "/cursor", records: "data" },
  page: { path: "/page", records: "items" },
  offset: { path: "/offset", records: "" },
  link: { path: "/link", records: "" },
};

type Settings = Record<string, any>;

export function demoSettings(settings: Settings, demoUrl: string): Settings | undefined {
  const endpoint = DEMO_ENDPOINTS[settings.pagination?.type];
  if (!endpoint) return undefined;
  return {
    ...settings,
    request: { ...settings.request, url: `${demoUrl}${endpoint.path}` },
    records: { ...settings.records, path: endpoint.records },
    pagination:
      settings.pagination.type === "cursor"
        ? { ...settings.pagination, cursorPath: "meta.next_cursor" }
        : settings.pagination,
    incremental: settings.incremental
      ? { ...settings.incremental, cursorField: "updated_at", param: "updated_since" }
      : undefined,
  };
}

/** The fewest settings a source item may have (tests build variants on it). */
export const MINIMAL_SETTINGS = {
  enabled: true,
  request: { url: "https://api.example.com/v1" },
  auth: { type: "none" },
  records: { path: "" },
  pagination: { type: "none" },
  target: { prefix: "p" },
} as const;
