import { staffEn } from './staff-en';
/** The app's own English strings; the configuration's labels come from the bundle (`label.en`, `x-label.en`). */
export const en = {
  app: { brand: 'flowcrm', loading: 'Loading…', signOut: 'Sign out', signedInAs: 'Signed in as {{name}}', language: 'Language' },
  ...staffEn,
  nav: { inbox: 'Inbox', records: 'Records', delegations: 'Delegation', config: 'Configuration' },
  login: { title: 'Sign in to flowcrm', user: 'User', password: 'Password', submit: 'Sign in', expired: 'Your session has ended. Sign in again to continue.' },
  inbox: {
    title: 'Inbox', mine: 'Mine', candidate: 'Candidate', delegated: 'Delegated to me', all: 'All', overdue: '{{count}} overdue',
    empty: 'Nothing waits for you.', task: 'Task', record: 'Record', requester: 'Requested by', due: 'Due', created: 'Created', status: 'Status',
  },
  status: { open: 'open', claimed: 'claimed', completed: 'completed', cancelled: 'cancelled', overdue: 'overdue', running: 'running', ended: 'ended' },
  task: {
    back: 'Inbox', record: 'Record', status: 'Status', requester: 'Requested by', candidates: 'Candidates', claimedBy: 'claimed by {{name}}',
    due: 'Due', created: 'Created', decided: 'Decision', yourDecision: 'Your decision', whyYou: 'Why you', history: 'History', recordGone: 'The record is gone.',
    noRouting: 'No routing rules: the task went to the requester.', nobody: 'nobody', claim: 'Claim', release: 'Release', delegateTo: 'Delegate to…',
    delegate: 'Delegate', username: 'username', submitDecision: 'Submit decision', why: 'Why? (shown in the record history)',
  },
  outcome: { approve: 'Approve', reject: 'Reject', request_changes: 'Request changes', resubmit: 'Resubmit', withdraw: 'Withdraw' },
  records: {
    title: 'Records', entity: 'Entity', new: 'New', updated: 'Updated', by: 'By', empty: 'No records yet.', previous: 'Previous', next: 'Next',
    page: 'page {{page}}', backToList: '{{entity}} list', newOf: 'New: {{entity}}', version: 'version {{version}} · updated {{at}} by {{by}}',
    create: 'Create', save: 'Save changes', saved: 'Saved.', submit: 'Submit for approval', submitNamed: 'Submit for approval: {{process}}',
    submitted: 'Submitted to {{process}}.', notConfigured: 'entity {{name}} is not configured', edit: 'Edit', locked: 'Locked while pending approval: {{fields}}',
  },
  process: {
    inApprovalOfOthers: 'In approval: someone else\'s request; its fields are locked', inApproval: 'In approval: {{process}}', waitingFor: 'Waiting for {{who}} (step {{step}})', recall: 'Recall', recallConfirm: 'Recall this request?',
    recalled: 'Request recalled.', startedBy: 'started by {{who}} {{at}}', status: 'Process {{status}}',
  },
  filter: {
    field: 'Field', operator: 'Operator', value: 'Value', add: 'Add filter', clear: 'Clear filter', invalid: 'the value does not fit the field',
    ops: { eq: 'is', ne: 'is not', contains: 'contains', startsWith: 'starts with', gt: '>', ge: '≥', lt: '<', le: '≤', set: 'is filled', unset: 'is empty' },
  },
  sla: { ok: '{{left}} left', warn: 'only {{left}} left', breached: 'overdue by {{left}}' },
  timeline: { title: 'Timeline', empty: 'No history yet.', onBehalfOf: 'on behalf of {{who}}' },
  action: {
    create: 'created', update: 'changed', delete: 'deleted', restore: 'restored', approve: 'approved', reject: 'rejected',
    request_changes: 'requested changes', resubmit: 'resubmitted', withdraw: 'withdrew', recall: 'recalled', reassign: 'reassigned',
    escalate: 'escalated', review: 'reviewed', delegate: 'delegated',
  },
  bell: { title: 'Notifications', markAll: 'Mark all read', empty: 'Nothing yet.', label: 'Notifications' },
  config: { title: 'Configuration', versions: 'Published versions', version: 'Version', author: 'Author', published: 'Published', hash: 'Hash', diff: 'Diff', noDiff: 'No differences.' },
  delegation: {
    title: 'Delegation and out of office', intro: 'While a delegation is current, the delegate sees and may decide your approvals.',
    to: 'Delegate to', period: 'Period', reason: 'Reason', create: 'Delegate', created: 'Delegation saved.', list: 'Your delegations',
    from: 'From', revoke: 'Revoke', empty: 'No delegations.', state: 'State',
  },
  widget: {
    searchRecord: 'Search {{entity}}…', searchUser: 'Type a user name', amount: 'Amount', currency: 'Currency', useTyped: 'Use “{{value}}”', me: '{{name}} (me)',
    manager: '{{name}} (my manager)',
  },
  error: { network: 'The server could not be reached' },
};

export type Messages = typeof en;
