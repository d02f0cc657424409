export { processWorkflow } from './process.js';
export { approvalWorkflow } from './approval.js';
