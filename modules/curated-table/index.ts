/**
 * One curated table: an Apache Iceberg (format v2) table in the curated Glue database, created by
 * Terraform from the transform's declared columns, at `s3://<curated>/<table>/`. Athena writes it
 * as Parquet + ZSTD (its Iceberg default). Iceberg commits update the table's metadata pointer in
 * Glue, so `parameters` and `storage_descriptor` are Terraform's to create, then Iceberg's
 * (ignore_changes): evolve a live table's schema with `ALTER TABLE ... ADD COLUMNS` in Athena.
 */
import { GlueCatalogTable } from "@cdktf/provider-aws/lib/glue-catalog-table";
import { Construct } from "constructs";

/** Athena DDL type -> Glue column type for Iceberg (`string` is Iceberg's string). */
const GLUE_TYPES: Record<string, string> = {
  string: "string",
  boolean: "boolean",
  int: "int",
  bigint: "bigint",
  double: "double",
  float: "float",
  date: "date",
  timestamp: "timestamp",
};

export interface CuratedTableProps {
  readonly databaseName: string;
  readonly tableName: string;
  /** Bucket name of the curated layer. */
  readonly bucketName: string;
  readonly columns: ReadonlyArray<{ name: string; type: string }>;
  readonly description?: string;
}

export class CuratedTable extends Construct {
  readonly table: GlueCatalogTable;
  readonly location: string;
  /** Key prefix of the table's data and metadata in the curated bucket. */
  readonly prefix: string;

  constructor(scope: Construct, id: string, props: CuratedTableProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!/^[a-z_][a-z0-9_]*$/.test(props.tableName))
      problems.push(`tableName: "${props.tableName}" is not a Glue name`);
    if (props.columns.length === 0) problems.push("columns: at least one column is required");
    const columns = props.columns.map((c) => {
      const t = GLUE_TYPES[c.type] ?? (/^decimal\(\d+,\d+\)$/.test(c.type) ? c.type : undefined);
      if (!t) problems.push(`columns.${c.name}.type: "${c.type}" has no Iceberg type`);
      return { name: c.name, type: t ?? c.type };
    });
    if (problems.length > 0) throw new Error(`CuratedTable ${id}: ${problems.join("; ")}`);
    this.prefix = props.tableName;
    this.location = `s3://${props.bucketName}/${this.prefix}`;
    this.table = new GlueCatalogTable(this, "table", {
      databaseName: props.databaseName,
      name: props.tableName,
      tableType: "EXTERNAL_TABLE",
      description: props.description,
      openTableFormatInput: { icebergInput: { metadataOperation: "CREATE", version: "2" } },
      storageDescriptor: { location: this.location, columns },
      lifecycle: { ignoreChanges: ["parameters", "storage_descriptor"] },
    });
  }
}
