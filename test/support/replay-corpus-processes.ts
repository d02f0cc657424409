/** The processes whose recorded runs make the interpreter's replay corpus: together they use every step type. */
export function replayCorpusProcesses(bundle: any) {
  return {
    approvalChains: {
      ...bundle.approvalChains,
      'corpus-manager': { entity: 'expense', steps: [{ id: 'manager', approvers: { managerOf: 'requester' } }], onApproved: { set: { status: 'approved' } } },
    },
    processes: {
      ...bundle.processes,
      'corpus-task-and-approval': { entity: 'expense', steps: [
        { id: 'approve', type: 'approval', chain: 'corpus-manager' },
        { id: 'receipts', type: 'task', title: { en: 'Receipts' }, assignee: 'requester', due: 'P3D',
          form: { schema: { type: 'object', properties: { receiptCount: { type: 'integer' } } } }, outputs: { receipts: 'form.receiptCount' } },
        { id: 'end', type: 'end', outcome: 'done' },
      ] },
      'corpus-actions-and-table': { entity: 'expense', steps: [
        { id: 'band', type: 'decision', table: { hitPolicy: 'first', rules: [{ when: 'record.amount > 2000.0', output: 'high' }, { when: 'true', output: 'low' }] } },
        { id: 'mark', type: 'action', action: 'set', set: { status: { expr: 'vars.band' } } },
        { id: 'tell', type: 'action', action: 'notify', to: { managerOf: 'requester' }, message: { en: 'Banded' } },
        { id: 'copy', type: 'action', action: 'createRecord', entity: 'expense', data: { title: 'Copy', amount: { expr: 'record.amount / 2.0' } } },
        { id: 'hook', type: 'action', action: 'webhook', event: 'expense.banded', payload: { band: { expr: 'vars.band' } } },
        { id: 'route', type: 'decision', branches: [{ when: "vars.band == 'high'", goto: 'end' }], otherwise: 'end' },
        { id: 'end', type: 'end' },
      ] },
      'corpus-timers-and-events': { entity: 'expense', steps: [
        { id: 'pause', type: 'wait', for: 'P1D' },
        { id: 'feedback', type: 'event', event: 'customer_feedback', timeout: 'P2D', onTimeout: 'end' },
        { id: 'look', type: 'event', event: 'second_look', timeout: 'P1D' },
        { id: 'before-due', type: 'wait', until: 'timestamp(record.dueDate + "T00:00:00Z") - duration("168h")' },
        { id: 'end', type: 'end' },
      ] },
      'corpus-parallel-loop-boundary': { entity: 'expense', steps: [
        { id: 'both', type: 'parallel', join: 'any', branches: [
          [{ id: 'manager-look', type: 'task', title: { en: 'Manager look' }, assignee: { managerOf: 'requester' } }],
          [{ id: 'finance-look', type: 'task', title: { en: 'Finance look' }, candidates: { role: 'finance' } }],
        ] },
        { id: 'ladder', type: 'loop', max: 5, boundary: [{ event: 'payment_received', goto: 'end' }], steps: [{ id: 'day', type: 'wait', for: 'P1D' }] },
        { id: 'end', type: 'end', outcome: 'paid' },
      ] },
      'corpus-read-record': { entity: 'expense', steps: [
        { id: 'copy', type: 'action', action: 'createRecord', entity: 'expense', data: { title: 'Read me', amount: 1200 } },
        { id: 'look', type: 'action', action: 'readRecord', entity: 'expense', record: 'vars.copy.id' },
        { id: 'route', type: 'decision', branches: [{ when: 'vars.look.record.amount > 1000.0', goto: 'end' }], otherwise: 'end' },
        { id: 'end', type: 'end', outcome: 'read' },
      ] },
      'corpus-child': { entity: 'expense', steps: [{ id: 'child-task', type: 'task', title: { en: 'Child task' }, assignee: 'requester' }, { id: 'end', type: 'end', outcome: 'child-done' }] },
      'corpus-subprocess': { entity: 'expense', steps: [
        { id: 'child', type: 'subprocess', process: 'corpus-child' },
        { id: 'later', type: 'action', action: 'startProcess', process: 'corpus-actions-and-table' },
        { id: 'end', type: 'end', outcome: 'done' },
      ] },
    },
  };
}
