export * from './ip.js';
export * from './classify.js';
export * from './allowlist.js';
export * from './webhook-url.js';
export * from './webhooks.js';
