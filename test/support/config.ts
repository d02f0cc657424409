import type { Stack } from './stack-core.js';

/** Publishes, as admin through the real API, a copy of the current configuration changed by `change`. */
export async function publishVariant(stack: Stack, change: (bundle: any) => void): Promise<number> {
  const admin = await stack.as('admin');
  const { body: config } = await admin.get('/api/config');
  const { version: _version, hash: _hash, ...bundle } = config;
  change(bundle);
  const published = await admin.post('/api/config/publish', bundle);
  if (published.status !== 201) throw new Error(`publish failed: ${JSON.stringify(published.body)}`);
  return published.body.version;
}

/** A quote approval chain with the usual status hooks, and a process that runs it. */
export function quoteChainWithProcess(bundle: any, name: string, steps: unknown[], extra: Record<string, unknown> = {}): void {
  bundle.approvalChains[name] = {
    entity: 'quote', steps, onSubmit: { set: { status: 'pending_approval' } }, onApproved: { set: { status: 'approved' } },
    onRejected: { set: { status: 'rejected' } }, onRecall: { set: { status: 'draft' } }, ...extra,
  };
  bundle.processes[name] = { entity: 'quote', trigger: { on: 'manual' }, steps: [{ id: 'approve', type: 'approval', chain: name }, { id: 'end', type: 'end' }] };
}
