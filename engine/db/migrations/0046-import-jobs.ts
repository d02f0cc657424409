import { Migration } from '@mikro-orm/migrations';

export class Migration0046ImportJobs extends Migration {
  override name = '0046-import-jobs';

  override up(): void {
    // Background imports, durable: the rows to import, the progress committed with the rows it counts, and a lease
    // the running API renews; a job whose lease ran out (its API died) is resumed by any replica.
    this.addSql(`create table import_jobs (
      id text primary key,
      entity text not null,
      owner text not null,
      mode text not null,
      total integer not null,
      rows jsonb not null,
      processed integer not null default 0,
      imported integer not null default 0,
      failed integer not null default 0,
      errors jsonb not null default '[]',
      status text not null,
      claim uuid null,
      lease_until timestamptz null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now())`);
    this.addSql(`create index import_jobs_resume_idx on import_jobs (lease_until) where status = 'running'`);
  }
}
