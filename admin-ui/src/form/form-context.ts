import type { Locale } from '../i18n';
import type { Config, User } from '../types';

/** What the custom widgets need besides their props: the bundle's picklists and entities, the locale, the user. */
export interface FlowFormContext { config: Config | null; locale: Locale; user: User | null; readonlyAsDisabled?: boolean }

export function formContextOf(registry: { formContext?: unknown }): FlowFormContext {
  return (registry.formContext ?? { config: null, locale: 'en', user: null }) as FlowFormContext;
}
