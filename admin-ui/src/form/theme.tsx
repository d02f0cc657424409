import { withTheme } from '@rjsf/core';
import { Theme } from '@rjsf/antd';
import type { RegistryFieldsType, RegistryWidgetsType } from '@rjsf/utils';
import { MoneyField } from './widgets/MoneyField';
import { PercentWidget, PhoneWidget } from './widgets/InputWidgets';
import { ReferenceWidget } from './widgets/ReferenceWidget';
import { MultiselectWidget, PicklistWidget } from './widgets/SelectWidgets';
import { UserWidget } from './widgets/UserWidget';

/** The names field-ui.ts maps x-types to; `date` and `datetime` are the antd theme's own DatePicker widgets. */
const widgets: RegistryWidgetsType = {
  ...Theme.widgets,
  picklist: PicklistWidget, multiselect: MultiselectWidget, reference: ReferenceWidget, user: UserWidget,
  percent: PercentWidget, phone: PhoneWidget,
};
const fields: RegistryFieldsType = { ...Theme.fields, money: MoneyField };

/** RJSF with the antd theme and flowcrm's x-type widgets: every form of the app renders through this. */
export const ThemedForm = withTheme({ ...Theme, widgets, fields });
