/** Codes of configuration problems reported by validateBundle; docs/configuration.md explains each with an example. */
export const ConfigErrorCode = {
  /** The bundle does not match a meta-schema (schemas/meta). */
  SCHEMA_VIOLATION: 'SCHEMA_VIOLATION',
  /** schemaVersion names a version this engine does not understand. */
  UNSUPPORTED_SCHEMA_VERSION: 'UNSUPPORTED_SCHEMA_VERSION',
  /** An approval chain or process names an entity that is not defined. */
  UNKNOWN_ENTITY: 'UNKNOWN_ENTITY',
  /** A process step names an approval chain that is not defined. */
  UNKNOWN_CHAIN: 'UNKNOWN_CHAIN',
  /** A process step uses a chain that belongs to another entity than the process. */
  CHAIN_ENTITY_MISMATCH: 'CHAIN_ENTITY_MISMATCH',
  /** An approver or notification names a role missing from `roles` (checked only when `roles` is given). */
  UNKNOWN_ROLE: 'UNKNOWN_ROLE',
  /** A field name (lock, set, titleField, indexes, numbering, record.x in CEL) is not in the entity schema. */
  UNKNOWN_FIELD: 'UNKNOWN_FIELD',
  /** Two steps of one chain or process share an id. */
  DUPLICATE_STEP_ID: 'DUPLICATE_STEP_ID',
  /** A goto, otherwise or next names a step that does not exist. */
  UNKNOWN_STEP: 'UNKNOWN_STEP',
  /** A CEL expression does not parse or type-check. */
  INVALID_EXPRESSION: 'INVALID_EXPRESSION',
  /** An entity's data schema does not compile (ajv strict), or uses a remote $ref or $data. */
  INVALID_ENTITY_SCHEMA: 'INVALID_ENTITY_SCHEMA',
} as const;
export type ConfigErrorCode = (typeof ConfigErrorCode)[keyof typeof ConfigErrorCode];

/** One problem of a bundle; `path` is a JSON pointer into the bundle. */
export interface ConfigError {
  code: ConfigErrorCode;
  path: string;
  message: string;
}
