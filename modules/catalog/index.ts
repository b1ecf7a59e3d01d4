/**
 * Glue Data Catalog per environment: databases `raw` and `curated`, catalog encryption with the
 * platform key, and one raw table per ingestion source over
 * `s3://<raw>/<prefix>/dt=YYYY-MM-DD/` (gzip JSON Lines, OpenX JSON SerDe) with partition
 * projection on `dt` — no crawler, no MSCK REPAIR.
 */
import { GlueCatalogDatabase } from "@cdktf/provider-aws/lib/glue-catalog-database";
import { GlueCatalogTable } from "@cdktf/provider-aws/lib/glue-catalog-table";
import { GlueDataCatalogEncryptionSettings } from "@cdktf/provider-aws/lib/glue-data-catalog-encryption-settings";
import { Construct } from "constructs";
import type { KmsKey } from "../kms-key";
import { tfLiteral } from "../literal";

export interface RawTableSource {
  /** Table name. */
  readonly id: string;
  /** Key prefix in the raw bucket (no leading/trailing slash). */
  readonly prefix: string;
  /** First partition date, YYYY-MM-DD. */
  readonly startDate: string;
  readonly columns: ReadonlyArray<{ name: string; type: string }>;
}

export interface CatalogProps {
  /** Database name prefix, e.g. `dp_dev` (Glue names: lowercase, digits, underscores). */
  readonly namePrefix: string;
  readonly accountId: string;
  readonly key: KmsKey;
  readonly rawBucketName: string;
  readonly sources: ReadonlyArray<RawTableSource>;
  /** Encrypt the catalog (one setting per account and region). @default true */
  readonly encryptCatalog?: boolean;
}

export class Catalog extends Construct {
  readonly rawDatabase: GlueCatalogDatabase;
  readonly curatedDatabase: GlueCatalogDatabase;
  readonly tables: Record<string, GlueCatalogTable> = {};

  constructor(scope: Construct, id: string, props: CatalogProps) {
    super(scope, id);
    if (!/^[a-z0-9_]+$/.test(props.namePrefix)) {
      throw new Error(
        `Catalog ${id}: namePrefix must be lowercase letters, digits and underscores (got "${props.namePrefix}")`,
      );
    }
    this.rawDatabase = new GlueCatalogDatabase(this, "raw", {
      name: `${props.namePrefix}_raw`,
      description: "Raw data as received from sources (JSON Lines, partitioned by dt)",
    });
    this.curatedDatabase = new GlueCatalogDatabase(this, "curated", {
      name: `${props.namePrefix}_curated`,
      description: "Curated, typed data",
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
    for (const source of props.sources) {
      const location = `s3://${props.rawBucketName}/${source.prefix}`;
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
}
