/**
 * Settings items for the SaaS APIs data teams pull from most, as the README shows them (a test
 * keeps the two equal). Each one runs end to end against the demo API's copy of that API's paging
 * and auth: `npm run ingest:local -- <recipe id>`. To use one, put its settings into a
 * `config/sources.ts` entry (with `id`, `startDate`, `columns`) and create its secret.
 */
import type { SourceSettingsInput } from "./core/settings";

export interface Recipe {
  id: string;
  api: string;
  /** The API's public documentation of the endpoint and its paging. */
  docs: string;
  /** What the Secrets Manager secret holds. */
  secret: string;
  settings: SourceSettingsInput;
}

export const recipes: Recipe[] = [
  {
    id: "stripe_customers",
    api: "Stripe list endpoints",
    docs: "https://docs.stripe.com/api/pagination",
    secret: "the secret key (sk_live_…), as a plain string",
    settings: {
      enabled: true,
      request: { url: "https://api.stripe.com/v1/customers", query: { limit: "100" } },
      auth: { type: "bearer", secretId: "dp/saas/stripe-secret-key" },
      records: { path: "data" },
      pagination: { type: "last-record", field: "id", param: "starting_after", hasMorePath: "has_more" },
      primaryKey: "id",
      target: { prefix: "saas/stripe_customers" },
      schedule: "cron(0 2 * * ? *)",
    },
  },
  {
    id: "salesforce_accounts",
    api: "Salesforce REST query",
    docs: "https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm",
    secret:
      'JSON {"clientId": "<consumer key>", "clientSecret": "<consumer secret>"} of a connected app with the client credentials flow enabled',
    settings: {
      enabled: true,
      request: {
        url: "https://acme.my.salesforce.com/services/data/v62.0/query",
        query: { q: "SELECT Id, Name, Industry, LastModifiedDate FROM Account" },
      },
      auth: {
        type: "oauth2-client-credentials",
        tokenUrl: "https://acme.my.salesforce.com/services/oauth2/token",
        secretId: "dp/saas/salesforce-client",
      },
      records: { path: "records" },
      pagination: { type: "next-url", path: "nextRecordsUrl", stopPath: "done" },
      primaryKey: "Id",
      target: { prefix: "saas/salesforce_accounts" },
      schedule: "cron(10 2 * * ? *)",
    },
  },
  {
    id: "zendesk_tickets",
    api: "Zendesk incremental export (time based)",
    docs: "https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/",
    secret: 'JSON {"username": "<agent email>/token", "password": "<API token>"}',
    settings: {
      enabled: true,
      request: { url: "https://acme.zendesk.com/api/v2/incremental/tickets.json" },
      auth: { type: "basic", secretId: "dp/saas/zendesk-api-token" },
      records: { path: "tickets" },
      pagination: { type: "next-url", path: "next_page", stopPath: "end_of_stream" },
      incremental: {
        cursorField: "generated_timestamp",
        cursorType: "number",
        param: "start_time",
        initial: "1704067200",
      },
      primaryKey: "id",
      target: { prefix: "saas/zendesk_tickets" },
      schedule: "cron(20 2 * * ? *)",
    },
  },
  {
    id: "hubspot_contacts",
    api: "HubSpot CRM objects",
    docs: "https://developers.hubspot.com/docs/api/crm/contacts",
    secret: "the private app's access token, as a plain string",
    settings: {
      enabled: true,
      request: { url: "https://api.hubapi.com/crm/v3/objects/contacts", query: { limit: "100" } },
      auth: { type: "bearer", secretId: "dp/saas/hubspot-private-app-token" },
      records: { path: "results" },
      pagination: { type: "cursor", cursorPath: "paging.next.after", param: "after" },
      primaryKey: "id",
      target: { prefix: "saas/hubspot_contacts" },
      schedule: "cron(30 2 * * ? *)",
    },
  },
  {
    id: "slack_messages",
    api: "Slack Web API (cursor pagination)",
    docs: "https://api.slack.com/apis/pagination",
    secret: "the bot token (xoxb-…), as a plain string",
    settings: {
      enabled: true,
      request: {
        url: "https://slack.com/api/conversations.history",
        query: { channel: "C0123456789", limit: "200" },
      },
      auth: { type: "bearer", secretId: "dp/saas/slack-bot-token" },
      records: { path: "messages" },
      pagination: { type: "cursor", cursorPath: "response_metadata.next_cursor", param: "cursor" },
      target: { prefix: "saas/slack_messages" },
      schedule: "cron(40 2 * * ? *)",
    },
  },
  {
    id: "github_issues",
    api: "GitHub REST",
    docs: "https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api",
    secret: "a fine-grained personal access token or GitHub App token, as a plain string",
    settings: {
      enabled: true,
      request: {
        url: "https://api.github.com/repos/octo-org/demo/issues",
        query: { state: "all", per_page: "100" },
        headers: { "X-GitHub-Api-Version": "2022-11-28" },
      },
      auth: { type: "bearer", secretId: "dp/saas/github-token" },
      records: { path: "" },
      pagination: { type: "link" },
      incremental: {
        cursorField: "updated_at",
        cursorType: "timestamp",
        param: "since",
        initial: "2024-01-01T00:00:00Z",
      },
      primaryKey: "id",
      target: { prefix: "saas/github_issues" },
      schedule: "cron(50 2 * * ? *)",
    },
  },
  {
    id: "shopify_orders",
    api: "Shopify Admin REST (cursor-based pagination)",
    docs: "https://shopify.dev/docs/api/usage/pagination-rest",
    secret: "the Admin API access token (shpat_…), as a plain string",
    settings: {
      enabled: true,
      request: {
        url: "https://acme.myshopify.com/admin/api/2024-10/orders.json",
        query: { status: "any", limit: "250" },
      },
      auth: { type: "header", headerName: "X-Shopify-Access-Token", secretId: "dp/saas/shopify-admin-token" },
      records: { path: "orders" },
      pagination: { type: "link" },
      primaryKey: "id",
      target: { prefix: "saas/shopify_orders" },
      schedule: "cron(0 3 * * ? *)",
    },
  },
  {
    id: "internal_events",
    api: "An internal API: X-Next-Cursor header, API key in the query",
    docs: "(your API's own documentation)",
    secret: "the API key, as a plain string",
    settings: {
      enabled: true,
      request: { url: "https://events.internal.example.com/v1/events", query: { limit: "500" } },
      auth: { type: "query", param: "api_key", secretId: "dp/saas/events-api-key" },
      records: { path: "events" },
      pagination: { type: "header-cursor", header: "X-Next-Cursor", param: "cursor" },
      primaryKey: "id",
      target: { prefix: "saas/internal_events" },
      schedule: "rate(1 hour)",
    },
  },
];
