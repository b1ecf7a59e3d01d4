/**
 * Keys of the settings table's items, one contract for both sides: Terraform writes the reviewed
 * configuration items (stacks/aws-stack.ts through modules/settings-table), the functions read
 * them and write their state and run records next to them.
 *
 * | item                     | pk                  | sk              | written by |
 * |--------------------------|---------------------|-----------------|------------|
 * | a source's settings      | `source#<id>`       | `config`        | Terraform  |
 * | a source's cursor/state  | `source#<id>`       | `state`         | ingest     |
 * | a transform (its SQL)    | `transform#<id>`    | `config`        | Terraform  |
 * | a reconcile check        | `reconcile#<id>`    | `config`        | Terraform  |
 * | a run record             | `<kind>#<id>`       | `run#<date>`    | functions  |
 */
export const CONFIG_SK = "config";
export const STATE_SK = "state";

export const settingsPk = {
  source: (id: string) => `source#${id}`,
  transform: (id: string) => `transform#${id}`,
  reconcile: (id: string) => `reconcile#${id}`,
} as const;
