import { Migration } from '@mikro-orm/migrations';

/**
 * Makes `audit_entries` append-only and hash-chained (docs/decisions/0015-audit-hash-chain.md).
 *
 * Rows are sealed at commit by a deferred constraint trigger: it locks the single-row chain head, gives the row the
 * next `seq`, the head's hash as `prev_hash`, and `hash = sha256(flowcrm_audit_message(...))`. Sealing last keeps
 * the head locked only for the commit itself, after every other lock the transaction takes (no deadlocks with record
 * locks). Any other UPDATE, any DELETE and TRUNCATE raise.
 *
 * The message is length-prefixed text (`N` for null, `<utf-8 bytes>:<text>` otherwise) of the row's columns in a
 * fixed order, with jsonb in PostgreSQL's normalized text form and `at` as UTC ISO 8601 with microseconds;
 * `engine/db/audit-chain.ts` rebuilds it in TypeScript to verify the chain.
 */
export class Migration0020AuditChain extends Migration {
  override name = '0020-audit-chain';

  override up(): void {
    this.addSql(`alter table audit_entries
      add column seq bigint null unique,
      add column prev_hash text null,
      add column hash text null,
      alter column record_id drop not null`);
    this.addSql(`create table audit_chain (
      id integer primary key check (id = 1),
      seq bigint not null,
      hash text not null)`);
    this.addSql(`insert into audit_chain (id, seq, hash) values (1, 0, repeat('0', 64))`);

    this.addSql(`create function flowcrm_audit_field(value text) returns text language sql immutable as $$
      select case when value is null then 'N' else octet_length(value)::text || ':' || value end $$`);
    this.addSql(`create function flowcrm_audit_message(
        prev_hash text, seq bigint, id uuid, at timestamptz, actor text, action text, entity text, record_id uuid,
        changes jsonb, comment text, context jsonb, idempotency_key text) returns text language sql immutable as $$
      select 'flowcrm-audit-v1'
        || flowcrm_audit_field(prev_hash) || flowcrm_audit_field(seq::text) || flowcrm_audit_field(id::text)
        || flowcrm_audit_field(to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
        || flowcrm_audit_field(actor) || flowcrm_audit_field(action) || flowcrm_audit_field(entity)
        || flowcrm_audit_field(record_id::text) || flowcrm_audit_field(changes::text) || flowcrm_audit_field(comment)
        || flowcrm_audit_field(context::text) || flowcrm_audit_field(idempotency_key) $$`);

    // security definer: an application role with only SELECT and INSERT on the audit tables still gets its rows sealed
    this.addSql(`create function flowcrm_audit_seal() returns trigger language plpgsql security definer set search_path from current as $$
      declare
        head audit_chain;
        next_seq bigint;
        next_hash text;
      begin
        select * into head from audit_chain where id = 1 for update;
        next_seq := head.seq + 1;
        next_hash := encode(sha256(convert_to(flowcrm_audit_message(head.hash, next_seq, new.id, new.at, new.actor,
          new.action, new.entity, new.record_id, new.changes, new.comment, new.context, new.idempotency_key), 'UTF8')), 'hex');
        update audit_entries set seq = next_seq, prev_hash = head.hash, hash = next_hash where id = new.id;
        update audit_chain set seq = next_seq, hash = next_hash where id = 1;
        return null;
      end $$`);

    // The only permitted update is the seal's own (trigger depth > 1) of an unsealed row's chain columns.
    this.addSql(`create function flowcrm_audit_append_only() returns trigger language plpgsql as $$
      begin
        if tg_op = 'UPDATE' and pg_trigger_depth() > 1 and old.seq is null and new.seq is not null
          and (new.id, new.entity, new.record_id, new.action, new.actor, new.at, new.changes, new.comment, new.context, new.idempotency_key)
            is not distinct from
              (old.id, old.entity, old.record_id, old.action, old.actor, old.at, old.changes, old.comment, old.context, old.idempotency_key)
        then
          return new;
        end if;
        raise exception 'audit_entries is append-only: % refused', tg_op using errcode = '42501';
      end $$`);
    this.addSql(`create function flowcrm_audit_chain_guard() returns trigger language plpgsql as $$
      begin
        if tg_op = 'UPDATE' and pg_trigger_depth() > 1 then return new; end if;
        raise exception 'audit_chain is written by the audit seal only: % refused', tg_op using errcode = '42501';
      end $$`);

    // Existing rows are chained in (at, id) order before the guards exist.
    this.addSql(`do $$
      declare
        entry audit_entries;
        head_seq bigint := 0;
        head_hash text := repeat('0', 64);
        next_hash text;
      begin
        for entry in select * from audit_entries order by at, id loop
          head_seq := head_seq + 1;
          next_hash := encode(sha256(convert_to(flowcrm_audit_message(head_hash, head_seq, entry.id, entry.at, entry.actor,
            entry.action, entry.entity, entry.record_id, entry.changes, entry.comment, entry.context, entry.idempotency_key), 'UTF8')), 'hex');
          update audit_entries set seq = head_seq, prev_hash = head_hash, hash = next_hash where id = entry.id;
          head_hash := next_hash;
        end loop;
        update audit_chain set seq = head_seq, hash = head_hash where id = 1;
      end $$`);

    this.addSql(`create constraint trigger audit_entries_seal after insert on audit_entries
      deferrable initially deferred for each row execute function flowcrm_audit_seal()`);
    this.addSql(`create trigger audit_entries_append_only before update or delete on audit_entries
      for each row execute function flowcrm_audit_append_only()`);
    this.addSql(`create trigger audit_entries_no_truncate before truncate on audit_entries
      for each statement execute function flowcrm_audit_append_only()`);
    this.addSql(`create trigger audit_chain_guard before insert or update or delete on audit_chain
      for each row execute function flowcrm_audit_chain_guard()`);
    this.addSql(`create trigger audit_chain_no_truncate before truncate on audit_chain
      for each statement execute function flowcrm_audit_chain_guard()`);
    this.addSql(`revoke update, delete, truncate on audit_entries, audit_chain from public`);
    this.addSql(`create index audit_entries_at_idx on audit_entries (at)`);
  }
}
