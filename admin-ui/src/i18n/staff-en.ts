/** The staff pages' strings (stage bar, kanban, dashboards, task forms, bulk approve); merged into en.ts. */
export const staffEn = {
  staff: {
    nav: { pipelines: 'Pipelines', dashboards: 'Dashboards' },
  },
  stage: {
    path: 'Stages', next: 'Next: {{stage}}', nothingRequired: 'nothing required', needsApproval: 'needs approval',
    moveTo: 'Move to {{stage}}', needs: 'To enter {{stage}}, fill in:', blocked: 'Cannot move to {{stage}} yet',
    missing: 'Missing: {{fields}}', pending: 'Waiting for approval to enter {{stage}}.', moved: 'Moved to {{stage}}.',
  },
  kanban: {
    title: 'Pipelines', pipeline: 'Pipeline', count: '{{count}} deals', amount: 'Amount {{amount}}', weighted: 'Weighted {{amount}}',
    more: 'Load more', empty: 'No deals', none: 'No pipelines are configured.', moveTo: 'Move to…', owner: 'Owner',
  },
  dashboard: {
    title: 'Dashboards', pipeline: 'Pipeline', funnel: 'Sales funnel', forecast: 'Weighted forecast', sla: 'SLA breaches',
    cycle: 'Approval cycle time', ageing: 'Receivables ageing', empty: 'No data yet.', amount: 'Amount', weighted: 'Weighted',
    deals: 'Deals', breached: 'Breached', onTime: 'On time', averageHours: 'Average (h)', p90Hours: '90th percentile (h)',
    averageMinutes: 'Average (min)', p90Minutes: '90th percentile (min)', outstanding: 'Outstanding', noMonth: 'no close date', current: 'not due', days: '{{range}} days',
  },
  userTask: { form: 'Task form', submit: 'Complete: {{outcome}}', done: 'Completed.' },
  bulk: {
    select: 'Select', approve: 'Approve selected ({{count}})', reason: 'Reason (kept with every approval)', done: '{{ok}} approved, {{failed}} not',
    selectAll: 'Select all approvals', failed: 'Not approved', selectTask: 'Select {{title}}',
  },
};
