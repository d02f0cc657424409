import { i18next } from '../../i18n';
import { adminEn } from './strings-en';
import { adminZh } from './strings-zh';

/* The admin pages' strings join the app's under `admin.*` when an admin page loads: the inbox does not carry them. */
i18next.addResourceBundle('en', 'translation', { admin: adminEn }, true, false);
i18next.addResourceBundle('zh', 'translation', { admin: adminZh }, true, false);
