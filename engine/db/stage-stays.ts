import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from './record-sql.js';

/** A record's stay in a pipeline stage. */
export interface StageStay {
  id: string;
  pipeline: string;
  stage: string;
  fromStage: string | null;
  enteredAt: string;
  enteredBy: string;
  leftAt: string | null;
  leftBy: string | null;
  reason: string | null;
}

interface StayRow {
  id: string; pipeline: string; stage: string; from_stage: string | null; entered_at: string; entered_by: string;
  left_at: string | null; left_by: string | null; reason: string | null;
}

const columns = `id, pipeline, stage, from_stage, to_json(entered_at)#>>'{}' as entered_at, entered_by,
  to_json(left_at)#>>'{}' as left_at, left_by, reason`;

function toStay(r: StayRow): StageStay {
  const iso = (v: string | null) => (v === null ? null : new Date(v).toISOString());
  return {
    id: r.id, pipeline: r.pipeline, stage: r.stage, fromStage: r.from_stage, enteredAt: iso(r.entered_at)!, enteredBy: r.entered_by,
    leftAt: iso(r.left_at), leftBy: r.left_by, reason: r.reason,
  };
}

/** The stage history table (migration 0030): every statement on stage_stays is here. */
export class StageStays {
  constructor(private readonly em: EntityManager) {}

  /** The record's current stay, locked until the transaction ends. */
  async open(recordId: string): Promise<StageStay | null> {
    const rows = await runSql<StayRow>(this.em, `select ${columns} from stage_stays where record_id = $1 and left_at is null for update`, [recordId]);
    return rows.length ? toStay(rows[0]) : null;
  }

  /** Closes the current stay (if any) and opens the next, in the caller's transaction. */
  async move(input: { entity: string; recordId: string; pipeline: string; stage: string; fromStage: string | null; actor: string; at: Date; reason?: string | null; amount: number | null }): Promise<StageStay> {
    await runSql(this.em, `update stage_stays set left_at = $2, left_by = $3 where record_id = $1 and left_at is null`, [input.recordId, input.at, input.actor]);
    const id = randomUUID();
    await runSql(this.em,
      `insert into stage_stays (id, entity, record_id, pipeline, stage, from_stage, entered_at, entered_by, reason, amount, first_entry)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
         not exists (select 1 from stage_stays p where p.record_id = $3 and p.pipeline = $4 and p.stage = $5))`,
      [id, input.entity, input.recordId, input.pipeline, input.stage, input.fromStage, input.at, input.actor, input.reason ?? null, input.amount]);
    return { id, pipeline: input.pipeline, stage: input.stage, fromStage: input.fromStage, enteredAt: input.at.toISOString(), enteredBy: input.actor, leftAt: null, leftBy: null, reason: input.reason ?? null };
  }

  /** Keeps the open stay's amount in step with the record (the board sums it without reading records). */
  async setAmount(recordId: string, amount: number | null): Promise<void> {
    await runSql(this.em, `update stage_stays set amount = $2 where record_id = $1 and left_at is null and amount is distinct from $2::numeric`, [recordId, amount]);
  }

  /** A soft delete takes the record's stays off the board and out of the reports; a restore puts them back. */
  async setRecordDeleted(recordId: string, deleted: boolean): Promise<void> {
    await runSql(this.em, `update stage_stays set record_deleted = $2 where record_id = $1 and record_deleted <> $2`, [recordId, deleted]);
  }

  async history(recordId: string): Promise<StageStay[]> {
    const rows = await runSql<StayRow>(this.em, `select ${columns} from stage_stays where record_id = $1 order by seq`, [recordId]);
    return rows.map(toStay);
  }
}
