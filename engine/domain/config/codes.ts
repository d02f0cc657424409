/** Codes of configuration problems reported by validateBundle; docs/configuration.md explains each with an example. */
export const ConfigErrorCode = {
  /** The bundle does not match a meta-schema (schemas/meta). */
  SCHEMA_VIOLATION: 'SCHEMA_VIOLATION',
  /** schemaVersion names a version this engine does not understand. */
  UNSUPPORTED_SCHEMA_VERSION: 'UNSUPPORTED_SCHEMA_VERSION',
  /** An approval chain, process, pipeline or `x-ref` names an entity that is not defined. */
  UNKNOWN_ENTITY: 'UNKNOWN_ENTITY',
  /** A process step or pipeline stage names an approval chain that is not defined. */
  UNKNOWN_CHAIN: 'UNKNOWN_CHAIN',
  /** A process step uses a chain that belongs to another entity than the process. */
  CHAIN_ENTITY_MISMATCH: 'CHAIN_ENTITY_MISMATCH',
  /** An approver or notification names a role missing from `roles` (checked only when `roles` is given). */
  UNKNOWN_ROLE: 'UNKNOWN_ROLE',
  /** A field name (lock, set, titleField, indexes, numbering, ui, pipeline requires, record.x in CEL) is not in the entity schema. */
  UNKNOWN_FIELD: 'UNKNOWN_FIELD',
  /** Two steps of one chain or process share an id (a process's ids are unique over all its blocks), or a process variable has a step's id. */
  DUPLICATE_STEP_ID: 'DUPLICATE_STEP_ID',
  /** A goto, otherwise, onTimeout or next names a step that does not exist in the block of the step. */
  UNKNOWN_STEP: 'UNKNOWN_STEP',
  /** A CEL expression does not parse or type-check. */
  INVALID_EXPRESSION: 'INVALID_EXPRESSION',
  /** An entity's data schema does not compile (ajv strict), e.g. an unknown format or a type keyword without a type. */
  INVALID_ENTITY_SCHEMA: 'INVALID_ENTITY_SCHEMA',
  /** A field's `x-type`, `x-unique`, `x-computed`, `x-ref` or `x-picklist` does not fit its JSON Schema, or an index is not scalar. */
  INVALID_FIELD_TYPE: 'INVALID_FIELD_TYPE',
  /** `numbering.pattern` has an unknown token or no `{seq:N}`, or the numbering field is not a read-only string. */
  INVALID_NUMBERING: 'INVALID_NUMBERING',
  /** A field names a picklist (`x-picklist`) missing from the bundle's `picklists`. */
  UNKNOWN_PICKLIST: 'UNKNOWN_PICKLIST',
  /** A picklist lists the same value twice, a task the same outcome, or an entity the same rule id. */
  DUPLICATE_VALUE: 'DUPLICATE_VALUE',
  /** Two stages of one pipeline share an id. */
  DUPLICATE_STAGE_ID: 'DUPLICATE_STAGE_ID',
  /** A pipeline stage's `next` names a stage the pipeline does not have. */
  UNKNOWN_STAGE: 'UNKNOWN_STAGE',
  UNREACHABLE_STAGE: 'UNREACHABLE_STAGE',
  /** No path from the first step of its block (the process, a loop or a parallel branch) reaches this step. */
  UNREACHABLE_STEP: 'UNREACHABLE_STEP',
  /** Process steps form a loop of jumps that no approval, task, wait or event step interrupts (it would spin forever). */
  CYCLE: 'CYCLE',
  /** The bundle (JSON nesting over 64) or an entity schema (subschemas nested over 16 levels) is too deep. */
  SCHEMA_TOO_DEEP: 'SCHEMA_TOO_DEEP',
  /** The bundle is over 2 MB serialized, has over 200 entities, or an entity has over 500 properties. */
  SCHEMA_TOO_LARGE: 'SCHEMA_TOO_LARGE',
  /** A `pattern` (or patternProperties key) could backtrack catastrophically, uses a backreference or is over 500 characters. */
  UNSAFE_PATTERN: 'UNSAFE_PATTERN',
  /** A `$ref` in an entity schema does not start with `#`. */
  REMOTE_REF_FORBIDDEN: 'REMOTE_REF_FORBIDDEN',
  /** An entity schema uses a keyword outside the supported JSON Schema vocabulary (and not `x-*`), `$data` or `$dynamicRef`. */
  UNSUPPORTED_KEYWORD: 'UNSUPPORTED_KEYWORD',
  /** A step timeout, task, wait or boundary names a calendar missing from `calendars` (checked only when `calendars` is given). */
  UNKNOWN_CALENDAR: 'UNKNOWN_CALENDAR',
  /** A subprocess or startProcess step names a process that is not defined. */
  UNKNOWN_PROCESS: 'UNKNOWN_PROCESS',
  /** A decision step names a decision table missing from `decisionTables`. */
  UNKNOWN_DECISION_TABLE: 'UNKNOWN_DECISION_TABLE',
  /** A score step names a scorecard missing from `scorecards`. */
  UNKNOWN_SCORECARD: 'UNKNOWN_SCORECARD',
  /** A scorecard item or group names a group the scorecard does not have, or groups are each other's parents. */
  INVALID_SCORECARD: 'INVALID_SCORECARD',
  /** A stage trigger names a pipeline that is not defined, or one of another entity. */
  UNKNOWN_PIPELINE: 'UNKNOWN_PIPELINE',
  /** A schedule trigger's cron expression is not five valid fields or a macro such as @daily. */
  INVALID_CRON: 'INVALID_CRON',
  /** A task's form schema does not compile (ajv strict), like INVALID_ENTITY_SCHEMA for entities. */
  INVALID_FORM_SCHEMA: 'INVALID_FORM_SCHEMA',
  /** A step's settings contradict each other: a decision with branches and a table, a wait with for and until, an aggregate without collect, a join over more branches than the step has. */
  INVALID_STEP: 'INVALID_STEP',
  /** A business calendar's periods overlap, run backwards or are not HH:MM, a holiday is no date, or no time is worked. */
  INVALID_CALENDAR: 'INVALID_CALENDAR',
  /** A duration is zero, is not ISO 8601 (process steps), or uses years, months or weeks on a business calendar. */
  INVALID_DURATION: 'INVALID_DURATION',
  /** The first step of a chain uses `onReject: "previous"` or `managerOf: "approver"`, which need an earlier step. */
  QUORUM_UNREACHABLE: 'QUORUM_UNREACHABLE',
  NO_PREVIOUS_STEP: 'NO_PREVIOUS_STEP',
  /** A stage's `onEnter.startProcess` names a process of another entity than the pipeline. */
  PROCESS_ENTITY_MISMATCH: 'PROCESS_ENTITY_MISMATCH',
  /** A stage's `onEnter.set` writes the pipeline's stage field (stages move only through the gate). */
  INVALID_STAGE_ACTION: 'INVALID_STAGE_ACTION',
  /** An org unit's parent is not a unit of `org.units`. */
  UNKNOWN_UNIT: 'UNKNOWN_UNIT',
  /** An org unit breaks the group -> region -> branch order: a group with a parent, a region not under a group, a branch not under a region. */
  INVALID_ORG_UNIT: 'INVALID_ORG_UNIT',
  /** An entity rule's aggregate sums something other than numeric field arithmetic, or its `where` does not translate to one indexed SQL query. */
  INVALID_AGGREGATE: 'INVALID_AGGREGATE',
} as const;
export type ConfigErrorCode = (typeof ConfigErrorCode)[keyof typeof ConfigErrorCode];

/** One problem of a bundle; `path` is a JSON pointer into the bundle. */
export interface ConfigError {
  code: ConfigErrorCode;
  path: string;
  message: string;
}
