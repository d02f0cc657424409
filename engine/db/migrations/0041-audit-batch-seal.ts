import { Migration } from '@mikro-orm/migrations';

/**
 * Seals audit entries without serialising commits on the chain head (docs/decisions/0105-audit-seal-off-the-commit-path.md).
 *
 * Migration 0020 locked the head at every commit and held it through the commit's WAL flush, so audited transactions
 * committed one at a time. Now the commit-time trigger takes the head only when no other transaction holds it
 * (`skip locked`): it then seals its own entry. An entry whose commit found the head taken waits, unsealed, for the
 * sealer that every
 * API and worker process runs (`insert into audit_seal_requests`, see engine/db/audit-chain.ts). The chain, the
 * message, the append-only guards and verification are those of 0020: every update still happens inside a trigger.
 */
export class Migration0041AuditBatchSeal extends Migration {
  override name = '0041-audit-batch-seal';

  override up(): void {
    this.addSql(`create index audit_entries_unsealed_idx on audit_entries (at, id) where seq is null`);

    this.addSql(`create function flowcrm_audit_seal_entry(entry audit_entries, head audit_chain) returns audit_chain
      language plpgsql security definer set search_path from current as $$
      declare
        next_hash text;
      begin
        head.seq := head.seq + 1;
        next_hash := encode(sha256(convert_to(flowcrm_audit_message(head.hash, head.seq, entry.id, entry.at, entry.actor,
          entry.action, entry.entity, entry.record_id, entry.changes, entry.comment, entry.context, entry.idempotency_key), 'UTF8')), 'hex');
        update audit_entries set seq = head.seq, prev_hash = head.hash, hash = next_hash where id = entry.id;
        head.hash := next_hash;
        return head;
      end $$`);

    // Seals `own` first (an entry of the calling transaction), then up to `batch` other entries waiting (committed
    // ones: others' uncommitted rows are invisible; the commit trigger passes 0, the sealer's batches are cheaper). Without `wait` it gives up at once when the head is taken. The
    // updates pass the append-only guards only from a trigger, so calling this directly fails.
    this.addSql(`create function flowcrm_audit_seal_pending(own uuid, wait boolean, batch integer) returns integer
      language plpgsql security definer set search_path from current as $$
      declare
        head audit_chain;
        entry audit_entries;
        sealed integer := 0;
      begin
        if wait then
          select * into head from audit_chain where id = 1 for update;
        else
          select * into head from audit_chain where id = 1 for update skip locked;
        end if;
        if not found then return 0; end if;
        if own is not null then
          select * into entry from audit_entries where id = own and seq is null;
          if found then
            head := flowcrm_audit_seal_entry(entry, head);
            sealed := 1;
          end if;
        end if;
        if batch > 0 then
          for entry in select * from audit_entries where seq is null order by at, id limit batch loop
            head := flowcrm_audit_seal_entry(entry, head);
            sealed := sealed + 1;
          end loop;
        end if;
        if sealed > 0 then update audit_chain set seq = head.seq, hash = head.hash where id = 1; end if;
        return sealed;
      end $$`);

    this.addSql(`create or replace function flowcrm_audit_seal() returns trigger language plpgsql security definer set search_path from current as $$
      begin
        perform flowcrm_audit_seal_pending(new.id, false, 0);
        return null;
      end $$`);

    // The sealer's door: an insert here seals what waits and stores nothing.
    this.addSql(`create table audit_seal_requests (wait boolean not null default false)`);
    this.addSql(`create function flowcrm_audit_seal_requested() returns trigger language plpgsql security definer set search_path from current as $$
      declare
        sealed integer;
      begin
        loop
          sealed := flowcrm_audit_seal_pending(null, new.wait, 1000);
          exit when sealed < 1000;
        end loop;
        return null;
      end $$`);
    this.addSql(`create trigger audit_seal_requests_seal before insert on audit_seal_requests
      for each row execute function flowcrm_audit_seal_requested()`);
    this.addSql(`revoke all on audit_seal_requests from public`);
  }
}
