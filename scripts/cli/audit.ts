import { createOrm } from '../../engine/db/orm.js';
import { verifyAuditChain, type ChainProblem } from '../../engine/db/audit-chain.js';
import { CliError, print } from './output.js';

function problemLine(problem: ChainProblem): string {
  const moved = problem.originalSeq ? ` (sealed as #${problem.originalSeq})` : '';
  return `#${problem.seq} ${problem.kind}${moved}: ${problem.message}`;
}

/** Verifies the hash chain of the audit log at DATABASE_URL; exit 1 with one line per problem when it is broken. */
export async function auditVerifyCommand(options: { json?: boolean }): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new CliError('DATABASE_URL is required');
  const orm = await createOrm({ databaseUrl, poolSize: 1 });
  try {
    const report = await verifyAuditChain(orm.em.fork());
    if (options.json) print(JSON.stringify(report, null, 2));
    if (!report.intact) {
      throw new CliError(`audit chain broken: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} in ${report.rows} entries`,
        report.problems.map(problemLine));
    }
    if (!options.json) print(`audit chain intact: ${report.rows} entries, head #${report.headSeq} ${report.headHash}`);
  } finally {
    await orm.close();
  }
}
