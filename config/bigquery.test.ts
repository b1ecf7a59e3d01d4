import { loadAppConfig } from ".";
import { bigquery as bigquerySection } from "./bigquery";
import {
  athenaToBigQueryType,
  bigqueryTablesFromCurated,
  curatedFromTransforms,
  loadBigQuery,
  TypeMappingError,
} from "./bigquery-load";
import type { BigQuerySettingsInput, BqTableInput } from "./bigquery-schema";
import { ConfigError } from "./load";
import { sources as sourcesList } from "./sources";
import { transforms } from "./transforms";

const { bigquery } = loadAppConfig({}).lists;

const table = (over: Partial<BqTableInput> = {}): BqTableInput => ({
  dataset: "dwh",
  table: "orders",
  description: "Orders",
  columns: [
    { name: "id", type: "STRING", mode: "REQUIRED" },
    { name: "amount", type: "FLOAT64" },
    { name: "tags", type: "STRING", mode: "REPEATED" },
    { name: "load_date", type: "DATE" },
    { name: "updated_at", type: "TIMESTAMP" },
  ],
  partitioning: { column: "load_date", type: "DAY" },
  clustering: ["id"],
  ...over,
});

const problemsOf = (input: BigQuerySettingsInput): string[] => {
  try {
    loadBigQuery(input);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe("athenaToBigQueryType", () => {
  it.each([
    ["boolean", "BOOL", "NULLABLE"],
    ["tinyint", "INT64", "NULLABLE"],
    ["INT", "INT64", "NULLABLE"],
    ["bigint", "INT64", "NULLABLE"],
    ["float", "FLOAT64", "NULLABLE"],
    ["double", "FLOAT64", "NULLABLE"],
    ["decimal(18,2)", "NUMERIC", "NULLABLE"],
    ["decimal(38, 9)", "NUMERIC", "NULLABLE"],
    ["decimal(38,0)", "BIGNUMERIC", "NULLABLE"],
    ["decimal(20,12)", "BIGNUMERIC", "NULLABLE"],
    ["string", "STRING", "NULLABLE"],
    ["varchar(64)", "STRING", "NULLABLE"],
    ["char(3)", "STRING", "NULLABLE"],
    ["binary", "BYTES", "NULLABLE"],
    ["date", "DATE", "NULLABLE"],
    ["timestamp", "DATETIME", "NULLABLE"],
    ["timestamp(6)", "DATETIME", "NULLABLE"],
    ["timestamp(6) with time zone", "TIMESTAMP", "NULLABLE"],
    ["array<string>", "STRING", "REPEATED"],
    ["array<decimal(10,2)>", "NUMERIC", "REPEATED"],
    ["array<array<int>>", "JSON", "NULLABLE"],
    ["map<string,int>", "JSON", "NULLABLE"],
    ["struct<a:int,b:string>", "JSON", "NULLABLE"],
  ])("%s -> %s %s", (athena, type, mode) => {
    expect(athenaToBigQueryType(athena)).toEqual({ type, mode });
  });

  it.each(["uniontype<int,string>", "interval day to second", "decimal(40,2)", "decimal(5,6)", ""])(
    "refuses %j instead of guessing STRING",
    (t) => {
      expect(() => athenaToBigQueryType(t)).toThrow(TypeMappingError);
    },
  );
});

describe("bigqueryTablesFromCurated", () => {
  it("generates only the tables declared loaded to BigQuery, with mapped types and REQUIRED keys", () => {
    const tables = bigqueryTablesFromCurated([
      { id: "internal", columns: [{ name: "x", type: "int" }] },
      {
        id: "orders",
        columns: [
          { name: "id", type: "varchar(20)" },
          { name: "dt", type: "date" },
        ],
        bigquery: { partitioning: { column: "dt", type: "DAY" }, required: ["id"] },
      },
    ]);
    expect(tables).toHaveLength(1);
    expect(tables[0]).toMatchObject({
      dataset: "dwh",
      table: "orders",
      columns: [
        { name: "id", type: "STRING", mode: "REQUIRED" },
        { name: "dt", type: "DATE", mode: "NULLABLE" },
      ],
      labels: { source: "curated" },
    });
  });

  it("names the curated table and column of every unmappable type or unknown required column", () => {
    expect(() =>
      bigqueryTablesFromCurated([
        {
          id: "orders",
          columns: [
            { name: "a", type: "uniontype<int>" },
            { name: "b", type: "hyperloglog" },
          ],
          bigquery: { required: ["zz"] },
        },
      ]),
    ).toThrow(
      expect.objectContaining({
        problems: [
          'curated[orders].columns[0] (a): Athena type "uniontype<int>" has no BigQuery mapping',
          'curated[orders].columns[1] (b): Athena type "hyperloglog" has no BigQuery mapping',
          'curated[orders].bigquery.required: "zz" is not a column',
        ],
      }),
    );
  });
});

describe("curated tables from config/transforms.ts", () => {
  it("generates dwh.orders_enriched from the curate transform's columns, with IICS's DATE conversion", () => {
    const t = bigquery.tables.find((x) => x.table === "orders_enriched")!;
    const curated = transforms.entries.find((x) => x.id === "orders_enriched")!;
    expect(t.columns.map((c) => c.name)).toEqual(curated.target.columns.map((c) => c.name));
    expect(t.columns.find((c) => c.name === "dt")).toMatchObject({ type: "DATE", mode: "REQUIRED" });
    expect(t.columns.find((c) => c.name === "amount")).toMatchObject({ type: "FLOAT64" });
    expect(t.columns.find((c) => c.name === "updated_at")).toMatchObject({ type: "DATETIME" });
    expect(t).toMatchObject({ partitioning: { column: "dt", type: "DAY" }, labels: { source: "curated" } });
  });

  it("names an unknown transform id and an unknown overridden column", () => {
    expect(() =>
      curatedFromTransforms(transforms.entries, { nope: {}, orders_enriched: { types: { ghost: "date" } } }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          expect.stringMatching(
            /^bigquery\.loads\[nope\]: no curated table "nope" in config\/transforms\.ts \(known: orders_enriched/,
          ),
          'bigquery.loads[orders_enriched].types: "ghost" is not a column of curated orders_enriched',
        ],
      }),
    );
  });
});

describe("loadBigQuery", () => {
  it("accepts the embedded declaration and defaults requirePartitionFilter-free settings", () => {
    expect(bigquery.tables.map((t) => `${t.dataset}.${t.table}`)).toEqual([
      "dwh.orders_enriched",
      "dwh.orders",
      "staging.orders_landing",
    ]);
    expect(bigquery.checks.map((c) => c.id)).toEqual(["orders"]);
    expect(bigquery.reconcile.maximumBytesBilled).toBe(1024 ** 3);
  });

  it("names the table and the field of a schema error", () => {
    expect(problemsOf({ tables: [table({ columns: [{ name: "1bad", type: "INT" as never }] })] })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^bigquery\.tables\[dwh\.orders\]\.columns\[0\]\.name: must be letters/),
        expect.stringMatching(/^bigquery\.tables\[dwh\.orders\]\.columns\[0\]\.type: .*\(got "INT"\)/),
      ]),
    );
  });

  it("checks partitioning: the column exists and has a time type; HOUR needs a timestamp", () => {
    expect(problemsOf({ tables: [table({ partitioning: { column: "nope", type: "DAY" } })] })).toEqual([
      'bigquery.tables[dwh.orders].partitioning.column: "nope" is not a column of the table',
    ]);
    expect(problemsOf({ tables: [table({ partitioning: { column: "amount", type: "DAY" } })] })).toEqual([
      'bigquery.tables[dwh.orders].partitioning.column: "amount" is FLOAT64; time partitioning needs a DATE, TIMESTAMP or DATETIME column',
    ]);
    expect(problemsOf({ tables: [table({ partitioning: { column: "load_date", type: "HOUR" } })] })).toEqual([
      "bigquery.tables[dwh.orders].partitioning.type: HOUR partitioning needs a TIMESTAMP or DATETIME column",
    ]);
    expect(
      problemsOf({
        tables: [table({ partitioning: undefined, clustering: [], requirePartitionFilter: true })],
      }),
    ).toEqual(["bigquery.tables[dwh.orders].requirePartitionFilter: the table is not partitioned"]);
  });

  it("checks clustering: at most 4 known, clusterable, distinct columns", () => {
    const many = ["id", "load_date", "updated_at", "id", "amount", "ghost"];
    expect(problemsOf({ tables: [table({ clustering: many })] })).toEqual([
      "bigquery.tables[dwh.orders].clustering: 6 columns; BigQuery clusters on at most 4",
      'bigquery.tables[dwh.orders].clustering[3]: "id" is repeated',
      'bigquery.tables[dwh.orders].clustering[4]: "amount" is FLOAT64, which BigQuery cannot cluster on',
      'bigquery.tables[dwh.orders].clustering[5]: "ghost" is not a column of the table',
    ]);
    expect(problemsOf({ tables: [table({ clustering: ["tags"] })] })).toEqual([
      'bigquery.tables[dwh.orders].clustering[0]: "tags" is REPEATED STRING, which BigQuery cannot cluster on',
    ]);
  });

  it("refuses duplicate tables and case-insensitively duplicate columns", () => {
    const dup = table({
      columns: [
        { name: "id", type: "STRING" },
        { name: "ID", type: "STRING" },
        { name: "load_date", type: "DATE" },
      ],
    });
    expect(problemsOf({ tables: [dup, table()] })).toEqual([
      'bigquery.tables[dwh.orders].columns[1].name: "ID" is declared twice (names are case-insensitive)',
      "bigquery.tables[dwh.orders]: declared twice",
    ]);
  });

  it("checks a reconciliation against its declared BigQuery table", () => {
    const check = {
      id: "orders",
      athena: { database: "curated", table: "orders", dateColumn: "dt" },
      bigquery: { dataset: "dwh" as const, table: "orders", dateColumn: "updated_at" },
      freshnessHours: 26,
    };
    expect(problemsOf({ tables: [table()], checks: [check] })).toEqual([
      'bigquery.checks[orders].bigquery.dateColumn: "updated_at" is not the partition column "load_date" of dwh.orders (the count would scan the whole table)',
    ]);
    expect(
      problemsOf({
        tables: [table()],
        checks: [
          { ...check, bigquery: { ...check.bigquery, table: "missing" } },
          { ...check, id: "Bad Id" },
        ],
      }),
    ).toEqual(
      expect.arrayContaining([expect.stringMatching(/^bigquery\.checks\[Bad Id\]\.id: must be lowercase/)]),
    );
    expect(
      problemsOf({
        tables: [table()],
        checks: [{ ...check, bigquery: { ...check.bigquery, table: "missing" } }],
      }),
    ).toEqual(["bigquery.checks[orders].bigquery: table dwh.missing is not declared in bigquery.tables"]);
    expect(
      problemsOf({
        tables: [table()],
        checks: [{ ...check, bigquery: { ...check.bigquery, dateColumn: "amount" } }],
      }),
    ).toEqual([
      'bigquery.checks[orders].bigquery.dateColumn: "amount" is FLOAT64; a DATE, TIMESTAMP or DATETIME column is needed',
    ]);
  });
});

describe("the bigquery section in the one strict loader", () => {
  type Loose = any;
  const problemsOfSection = (edit: (value: Loose) => void): string[] => {
    const value: Loose = structuredClone(bigquerySection.value);
    edit(value);
    try {
      loadAppConfig({}, { lists: [sourcesList, transforms, { ...bigquerySection, value }] });
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    throw new Error("expected the section to be refused");
  };

  it("names each entry by its id and the field, unknown keys included, all at once", () => {
    expect(
      problemsOfSection((v) => {
        v.tables[0].clusterring = ["id"];
        v.tables[1].partitioning.type = "WEEK";
        v.checks[0].freshnesHours = 30;
        v.reconcile.schedule = "cron(0 9 * * * *)";
        v.reconcile.timezone = "Asia/Tokio";
      }),
    ).toEqual([
      'bigquery.tables[dwh.orders].clusterring: unknown key (did you mean "clustering"?)',
      'bigquery.checks[orders].freshnesHours: unknown key (did you mean "freshnessHours"?)',
      'bigquery.reconcile.schedule: one of day-of-month and day-of-week must be "?" (e.g. cron(0 9 * * ? *)) (got "cron(0 9 * * * *)")',
      'bigquery.reconcile.timezone: "Asia/Tokio" is not an IANA time zone (did you mean "Asia/Tokyo"?)',
      expect.stringMatching(
        /^bigquery\.tables\[staging\.orders_landing\]\.partitioning\.type: .*\(got "WEEK"\)$/,
      ),
    ]);
  });

  it("checks curated loads against the transforms once the schema holds", () => {
    expect(
      problemsOfSection((v) => {
        v.loads.orders_enriched.clustering = ["amount"];
        v.loads.ghost = {};
      }),
    ).toEqual([
      expect.stringMatching(/^bigquery\.loads\[ghost\]: no curated table "ghost"/),
      'bigquery.tables[dwh.orders_enriched].clustering[0]: "amount" is FLOAT64, which BigQuery cannot cluster on',
    ]);
  });

  it("does not report a load twice when its transform is itself invalid", () => {
    const bad: Loose = structuredClone(transforms.entries);
    bad[0].strategy = "upsert";
    let problems: string[] = [];
    try {
      loadAppConfig({}, { lists: [sourcesList, { ...transforms, entries: bad }, bigquerySection] });
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems.filter((p) => p.startsWith("bigquery."))).toEqual([]);
    expect(problems).toContainEqual(expect.stringMatching(/^transforms\[orders_enriched\]\.strategy: /));
  });
});
