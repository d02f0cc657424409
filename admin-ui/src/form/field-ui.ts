// Pure module (no React, no i18next): imported with .js extensions so test/unit can load it under NodeNext.
import type { UiSchema } from '@rjsf/utils';
import type { FieldType } from '../../../engine/domain/config/field-types.js';
import { localize, type Locale } from '../i18n/localize.js';
import type { EntityDefinition, LocalizedText } from '../types.js';

type Schema = Record<string, unknown>;
type Ui = Record<string, unknown>;

/**
 * How each `x-type` renders: a widget (`ui:widget`) or, for object-shaped types, a field (`ui:field`). Registered in
 * form/theme.tsx under these names. `Record<FieldType, ...>` makes a new x-type a compile error here until mapped.
 */
export const renderByType: Record<FieldType, { widget?: string; field?: string } | null> = {
  text: null,
  email: null, // RJSF's email input (format: email)
  money: { field: 'money' },
  percent: { widget: 'percent' },
  phone: { widget: 'phone' },
  picklist: { widget: 'picklist' },
  multiselect: { widget: 'multiselect' },
  reference: { widget: 'reference' },
  user: { widget: 'user' },
  date: { widget: 'date' },
  datetime: { widget: 'datetime' },
};

const isSchema = (value: unknown): value is Schema => !!value && typeof value === 'object' && !Array.isArray(value);

/** A field's title in the locale: `x-label` when the configuration has one, else its `title`, else its name. */
export function fieldLabel(schema: unknown, name: string, locale: Locale): string {
  if (!isSchema(schema)) return name;
  return localize(schema['x-label'] as LocalizedText | undefined, locale, typeof schema.title === 'string' ? schema.title : name);
}

/** The label of an enum value from `x-enum-labels`, else the value itself. */
export function enumLabel(schema: unknown, value: unknown, locale: Locale): string {
  const labels = isSchema(schema) && isSchema(schema['x-enum-labels']) ? schema['x-enum-labels'] as Record<string, LocalizedText> : {};
  return localize(labels[String(value)], locale, String(value));
}

export interface FieldUiOptions { locale: Locale; locked?: string[] }

/** The uiSchema one field implies: its localized title, enum labels, and widget by x-type. */
function fieldUi(schema: Schema, name: string, locale: Locale): Ui {
  const ui: Ui = { 'ui:title': fieldLabel(schema, name, locale) };
  const type = schema['x-type'] as FieldType | undefined;
  const render = type && Object.hasOwn(renderByType, type) ? renderByType[type] : null;
  if (render?.widget) ui['ui:widget'] = render.widget;
  if (render?.field) ui['ui:field'] = render.field;
  if (Array.isArray(schema.enum) && isSchema(schema['x-enum-labels'])) ui['ui:enumNames'] = schema.enum.map((v) => enumLabel(schema, v, locale));
  if (!render?.field && isSchema(schema.properties)) Object.assign(ui, propertiesUi(schema.properties, locale));
  if (isSchema(schema.items) && type !== 'multiselect') {
    const items = schema.items;
    ui.items = isSchema(items.properties) ? propertiesUi(items.properties, locale) : fieldUi(items, name, locale);
  }
  return ui;
}

function propertiesUi(properties: Schema, locale: Locale): Ui {
  const ui: Ui = {};
  for (const [name, child] of Object.entries(properties)) if (isSchema(child)) ui[name] = fieldUi(child, name, locale);
  return ui;
}

/** Deep merge where `over` wins: the entity's own `ui` overrides what the x-types imply. */
function merge(base: Ui, over: Ui): Ui {
  const out: Ui = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] = isSchema(value) && isSchema(out[key]) ? merge(out[key] as Ui, value) : value;
  }
  return out;
}

/**
 * The uiSchema of an entity's form, derived from its schema (titles and enum labels in the locale, a widget per
 * x-type) with the entity's `ui` on top, and the fields pending approvals lock made read-only.
 */
export function uiSchemaFor(entity: EntityDefinition, options: FieldUiOptions, extra: UiSchema = {}): UiSchema {
  const schema = entity.schema as Schema;
  const derived = isSchema(schema.properties) ? propertiesUi(schema.properties, options.locale) : {};
  const ui = merge(derived, (entity.ui ?? {}) as Ui);
  for (const field of options.locked ?? []) ui[field] = { ...(ui[field] as Ui | undefined), 'ui:readonly': true };
  return { ...ui, ...extra } as UiSchema;
}

/** The CEL list filter for "title contains what was typed"; JSON string escaping is valid CEL string syntax. */
export function titleFilter(titleField: string, text: string): string | undefined {
  const typed = text.trim();
  return typed ? `record.${titleField}.contains(${JSON.stringify(typed)})` : undefined;
}

/**
 * The schema with each `title` replaced by its `x-label` in the locale. The uiSchema titles most fields, but RJSF
 * names array items "<array schema title>-<n>" from the schema itself, so the schema is localized too.
 */
export function localizedSchema<T>(schema: T, locale: Locale): T {
  if (Array.isArray(schema)) return schema.map((item) => localizedSchema(item, locale)) as T;
  if (!isSchema(schema)) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) out[key] = key.startsWith('x-') || key === 'enum' || key === 'default' ? value : localizedSchema(value, locale);
  if (isSchema(schema['x-label'])) out.title = localize(schema['x-label'] as LocalizedText, locale, typeof schema.title === 'string' ? schema.title : '');
  return out as T;
}
