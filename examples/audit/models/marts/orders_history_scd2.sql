-- Every version of every order, one per change event (not one per run, as a snapshot would keep):
-- valid_from is the event's time, valid_to the next event's; a delete closes the version before it
-- and is a version of its own with is_deleted, so an order deleted and created again starts anew.
-- Merge-on-read: a run changes a few versions spread over the whole table, so it writes delete
-- files for them instead of rewriting every data file that holds one.
{{ config(materialized='incremental', unique_key=['order_id', 'audit_event_id'],
          on_schema_change='append_new_columns',
          tblproperties={'write.merge.mode': 'merge-on-read', 'write.update.mode': 'merge-on-read',
                         'write.delete.mode': 'merge-on-read'}) }}
{% if is_incremental() %}{% set since = max_of(this, '_ingested_at') %}{% else %}{% set since = none %}{% endif %}
select *
from {{ change_history(ref('stg_ecomm_audit_log_dml_orders_flattened'), 'order_id',
                       order_by='_source_ts, _source_position', position='_ingested_at', since=since,
                       keep_deletes=true) }}
