export { processWorkflow } from './process.js';
export { approvalWorkflow } from './approval.js';
export { webhookDeliveryWorkflow } from './deliveries.js';
export { scheduledTriggerWorkflow } from './scheduled.js';
export { stageStayWorkflow } from './stage-stay.js';
