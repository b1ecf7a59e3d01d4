/**
 * Glue Data Catalog per environment: databases `raw` and `curated`, catalog encryption with the
 * platform key, and one raw table per ingestion source over
 * `s3://<raw>/<prefix>/dt=YYYY-MM-DD/` (gzip JSON Lines, OpenX JSON SerDe) with partition
 * projection on `dt` — no crawler, no MSCK REPAIR. Under `protection: "strict"` both databases
 * carry `prevent_destroy`.
 *
 * Grants name databases by layer and tables by name (or `*` patterns); they also grant the key
 * the catalog is encrypted with, and `grantReadSources` the raw objects under each source's prefix.
 */
import { GlueCatalogDatabase } from "@cdktf/provider-aws/lib/glue-catalog-database";
import { GlueCatalogTable } from "@cdktf/provider-aws/lib/glue-catalog-table";
import { GlueDataCatalogEncryptionSettings } from "@cdktf/provider-aws/lib/glue-data-catalog-encryption-settings";
import { Construct } from "constructs";
import { PropsValidator } from "../../lib/props";
import { dataLifecycle, type Protection } from "../../lib/protection";
import type { IGrantable } from "../iam/service-role";
import type { KmsKey } from "../kms-key";
import { tfLiteral } from "../literal";
import type { SecureBucket } from "../secure-bucket";
import { GLUE_READ, GLUE_WRITE } from "./perms";

export interface RawTableSource {
  /** Table name (lowercase letters, digits, underscores). */
  readonly id: string;
  /** Key prefix in the raw bucket (no leading/trailing slash). */
  readonly prefix: string;
  /** First partition date, YYYY-MM-DD. */
  readonly startDate: string;
  /** Columns of the records (Hive types). */
  readonly columns: ReadonlyArray<{ name: string; type: string }>;
}

/** The two databases of the catalog. */
export type CatalogLayer = "raw" | "curated";

export interface CatalogProps {
  /** Database name prefix, e.g. `dp_dev` (Glue names: lowercase, digits, underscores). */
  readonly namePrefix: string;
  /** Account of the catalog (its ARNs). */
  readonly accountId: string;
  /** Region of the catalog (its ARNs). */
  readonly region: string;
  /** Key the catalog is encrypted with (when `encryptCatalog`). */
  readonly key: KmsKey;
  /** The raw bucket the source tables read. */
  readonly rawBucket: SecureBucket;
  /** One raw table per source. @default [] */
  readonly sources?: ReadonlyArray<RawTableSource>;
  /** Encrypt the catalog (one setting per account and region). @default true */
  readonly encryptCatalog?: boolean;
  /** Protection level of the environment: `strict` adds `prevent_destroy` to the databases. @default "standard" */
  readonly protection?: Protection;
}

export class Catalog extends Construct {
  /** Database of the raw tables (`<namePrefix>_raw`). */
  readonly rawDatabase: GlueCatalogDatabase;
  /** Database of the curated tables (`<namePrefix>_curated`). */
  readonly curatedDatabase: GlueCatalogDatabase;
  /** Raw tables by source id. */
  readonly tables: Record<string, GlueCatalogTable> = {};
  /** `arn:aws:glue:<region>:<account>:catalog` */
  readonly catalogArn: string;
  private readonly props: CatalogProps;

  constructor(scope: Construct, id: string, props: CatalogProps) {
    super(scope, id);
    validate(id, props);
    this.props = props;
    this.catalogArn = `arn:aws:glue:${props.region}:${props.accountId}:catalog`;
    const lifecycle = dataLifecycle(props.protection);
    this.rawDatabase = new GlueCatalogDatabase(this, "raw", {
      name: `${props.namePrefix}_raw`,
      description: "Raw data as received from sources (JSON Lines, partitioned by dt)",
      lifecycle,
    });
    this.curatedDatabase = new GlueCatalogDatabase(this, "curated", {
      name: `${props.namePrefix}_curated`,
      description: "Curated, typed data",
      lifecycle,
    });
    if (props.encryptCatalog ?? true) {
      new GlueDataCatalogEncryptionSettings(this, "encryption", {
        dataCatalogEncryptionSettings: {
          encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: props.key.arn },
          connectionPasswordEncryption: {
            returnConnectionPasswordEncrypted: true,
            awsKmsKeyId: props.key.arn,
          },
        },
      });
    }
    for (const source of props.sources ?? []) {
      const location = `s3://${props.rawBucket.bucketName}/${source.prefix}`;
      this.tables[source.id] = new GlueCatalogTable(this, `raw-${source.id}`, {
        databaseName: this.rawDatabase.name,
        name: source.id,
        tableType: "EXTERNAL_TABLE",
        description: `Raw ${source.id} records (one JSON object per line, gzip)`,
        parameters: {
          classification: "json",
          compressionType: "gzip",
          EXTERNAL: "TRUE",
          "projection.enabled": "true",
          "projection.dt.type": "date",
          "projection.dt.format": "yyyy-MM-dd",
          "projection.dt.range": `${source.startDate},NOW`,
          "projection.dt.interval": "1",
          "projection.dt.interval.unit": "DAYS",
          "storage.location.template": `${location}/dt=${tfLiteral("${dt}")}/`,
        },
        partitionKeys: [{ name: "dt", type: "string" }],
        storageDescriptor: {
          location: `${location}/`,
          inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
          outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
          compressed: true,
          serDeInfo: {
            serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
            parameters: { "ignore.malformed.json": "false", "case.insensitive": "true" },
          },
          columns: source.columns.map((c) => ({ name: c.name, type: c.type })),
        },
      });
    }
  }

  /** Name of the database of `layer` (`<namePrefix>_<layer>`). */
  databaseName(layer: CatalogLayer): string {
    return `${this.props.namePrefix}_${layer}`;
  }

  /** `arn:aws:glue:<region>:<account>:database/<name>` */
  databaseArn(layer: CatalogLayer): string {
    return `arn:aws:glue:${this.props.region}:${this.props.accountId}:database/${this.databaseName(layer)}`;
  }

  /** `arn:aws:glue:<region>:<account>:table/<database>/<table>`; `table` may be a `*` pattern. */
  tableArn(layer: CatalogLayer, table: string): string {
    return `arn:aws:glue:${this.props.region}:${this.props.accountId}:table/${this.databaseName(layer)}/${table}`;
  }

  /** Read the definitions (and partitions) of `tables` in `layer`, and decrypt the catalog. */
  grantReadTables(grantee: IGrantable, layer: CatalogLayer, tables: readonly string[] = ["*"]): void {
    grantee.addToPolicy({
      Effect: "Allow",
      Action: [...GLUE_READ],
      Resource: [this.catalogArn, this.databaseArn(layer), ...tables.map((t) => this.tableArn(layer, t))],
    });
    if (this.encrypted) this.props.key.grantDecrypt(grantee);
  }

  /** Create, update and drop `tables` (names or `*` patterns) in `layer`, and use the catalog key. */
  grantWriteTables(grantee: IGrantable, layer: CatalogLayer, tables: readonly string[]): void {
    grantee.addToPolicy({
      Effect: "Allow",
      Action: [...GLUE_WRITE],
      Resource: [this.catalogArn, this.databaseArn(layer), ...tables.map((t) => this.tableArn(layer, t))],
    });
    if (this.encrypted) this.props.key.grantEncryptDecrypt(grantee);
  }

  /** Query raw sources: their table definitions and the objects under their prefixes (and keys). */
  grantReadSources(grantee: IGrantable, sourceIds: readonly string[]): void {
    const sources = sourceIds.map((sid) => {
      const s = (this.props.sources ?? []).find((x) => x.id === sid);
      if (!s) throw new Error(`Catalog ${this.node.id}: grantReadSources: no raw table "${sid}"`);
      return s;
    });
    this.grantReadTables(
      grantee,
      "raw",
      sources.map((s) => s.id),
    );
    for (const s of sources) this.props.rawBucket.grantRead(grantee, s.prefix);
  }

  private get encrypted(): boolean {
    return this.props.encryptCatalog ?? true;
  }
}

function validate(id: string, props: CatalogProps): void {
  const v = new PropsValidator("Catalog", id);
  v.matches("namePrefix", props.namePrefix, /^[a-z0-9_]+$/, "lowercase letters, digits and underscores");
  const seen = new Set<string>();
  (props.sources ?? []).forEach((s, i) => {
    const at = `sources[${s.id ?? i}]`;
    v.matches(`${at}.id`, s.id, /^[a-z0-9_]{1,255}$/, "a Glue table name (lowercase letters, digits, '_')");
    if (seen.has(s.id)) v.fail(`${at}.id`, "is used by two sources", s.id);
    seen.add(s.id);
    v.matches(`${at}.prefix`, s.prefix, /^[^/](.*[^/])?$/, "a key prefix without leading or trailing '/'");
    v.matches(`${at}.startDate`, s.startDate, /^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD");
    if (s.columns.length === 0) v.conflict(`${at}.columns must name at least one column`);
  });
  v.throwIfInvalid();
}
