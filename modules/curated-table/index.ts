/**
 * One curated table: an Apache Iceberg (format v2) table in the curated Glue database, created by
 * Terraform from the transform's declared columns, at `s3://<curated>/<table>/`. Athena writes it
 * as Parquet + ZSTD (its Iceberg default). Iceberg commits update the table's metadata pointer in
 * Glue, so `parameters` and `storage_descriptor` are Terraform's to create, then Iceberg's
 * (ignore_changes): evolve a live table's schema with `ALTER TABLE ... ADD COLUMNS` in Athena.
 * Under `protection: "strict"` the table carries `prevent_destroy` (its Glue entry holds the
 * pointer to the current snapshot).
 *
 * Grants cover the table's objects (data and Iceberg metadata, and its staging prefix
 * `_staging/<table>/`) with the bucket's key; its Glue definition is granted by the catalog.
 */
import { GlueCatalogTable } from "@cdktf/provider-aws/lib/glue-catalog-table";
import { Construct } from "constructs";
import { PropsValidator } from "../../lib/props";
import { dataLifecycle, type Protection } from "../../lib/protection";
import type { IGrantable } from "../iam/service-role";
import type { SecureBucket } from "../secure-bucket";

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

/** Where a transform stages a run's rows before it commits them (see functions/curate). */
export const stagingPrefix = (table: string) => `_staging/${table}`;

export interface CuratedTableProps {
  /** Name of the curated Glue database. */
  readonly databaseName: string;
  /** Table name (a Glue name: lowercase letters, digits, `_`, not starting with a digit). */
  readonly tableName: string;
  /** The curated bucket (the table lives under `<tableName>/`). */
  readonly bucket: SecureBucket;
  /** Columns: Athena types `string`, `boolean`, `int`, `bigint`, `double`, `float`, `date`, `timestamp`, `decimal(p,s)`. */
  readonly columns: ReadonlyArray<{ name: string; type: string }>;
  /** Table description. @default - none */
  readonly description?: string;
  /** Protection level of the environment: `strict` adds `prevent_destroy`. @default "standard" */
  readonly protection?: Protection;
}

export class CuratedTable extends Construct {
  /** The `aws_glue_catalog_table` resource. */
  readonly table: GlueCatalogTable;
  /** `s3://<bucket>/<table>` */
  readonly location: string;
  /** Key prefix of the table's data and metadata in the curated bucket. */
  readonly prefix: string;
  private readonly bucket: SecureBucket;

  constructor(scope: Construct, id: string, props: CuratedTableProps) {
    super(scope, id);
    const v = new PropsValidator("CuratedTable", id);
    v.matches(
      "tableName",
      props.tableName,
      /^[a-z_][a-z0-9_]{0,254}$/,
      "a Glue name (lowercase letters, digits, '_')",
    );
    if (props.columns.length === 0) v.conflict("columns must name at least one column");
    const seen = new Set<string>();
    const columns = props.columns.map((c) => {
      v.matches(`columns.${c.name}.name`, c.name, /^[a-z_][a-z0-9_]*$/, "lowercase letters, digits and '_'");
      if (seen.has(c.name.toLowerCase())) v.fail(`columns.${c.name}`, "is declared twice", c.name);
      seen.add(c.name.toLowerCase());
      const t = GLUE_TYPES[c.type] ?? (/^decimal\(\d+,\d+\)$/.test(c.type) ? c.type : undefined);
      if (!t) v.fail(`columns.${c.name}.type`, "has no Iceberg type", c.type);
      return { name: c.name, type: t ?? c.type };
    });
    v.throwIfInvalid();
    this.bucket = props.bucket;
    this.prefix = props.tableName;
    this.location = `s3://${props.bucket.bucketName}/${this.prefix}`;
    this.table = new GlueCatalogTable(this, "table", {
      databaseName: props.databaseName,
      name: props.tableName,
      tableType: "EXTERNAL_TABLE",
      description: props.description,
      openTableFormatInput: { icebergInput: { metadataOperation: "CREATE", version: "2" } },
      storageDescriptor: { location: this.location, columns },
      lifecycle: { ignoreChanges: ["parameters", "storage_descriptor"], ...dataLifecycle(props.protection) },
    });
  }

  /** Read the table's objects (data and Iceberg metadata), decrypting with the bucket's key. */
  grantReadData(grantee: IGrantable): void {
    this.bucket.grantRead(grantee, this.prefix);
  }

  /** Read and write the table's objects and its staging prefix (commits), with the bucket's key. */
  grantReadWriteData(grantee: IGrantable): void {
    this.bucket.grantReadWrite(grantee, this.prefix);
    this.bucket.grantReadWrite(grantee, stagingPrefix(this.prefix));
  }
}
