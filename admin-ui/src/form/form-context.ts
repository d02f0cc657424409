import type { Locale } from '../i18n';
import type { Config, User } from '../types';

/** What the custom widgets need besides their props: the bundle's picklists and entities, the locale, the user. */
export interface FlowFormContext { config: Config | null; locale: Locale; user: User | null; readonlyAsDisabled?: boolean }

export function formContextOf(registry: { formContext?: unknown }): FlowFormContext {
  return (registry.formContext ?? { config: null, locale: 'en', user: null }) as FlowFormContext;
}

/**
 * Read-only the way the antd theme does it: disabled in edit forms (locked fields, computed ones), merely read-only
 * where the form context says `readonlyAsDisabled: false` (the task page's snapshot).
 */
export function lockState(props: { disabled?: boolean; readonly?: boolean; registry: { formContext?: unknown } }): { disabled: boolean; readOnly: boolean } {
  const asDisabled = formContextOf(props.registry).readonlyAsDisabled !== false;
  return { disabled: !!props.disabled || (!!props.readonly && asDisabled), readOnly: !!props.readonly };
}
