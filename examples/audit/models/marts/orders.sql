-- The orders as the application has them now: for each order changed since the last run, its newest
-- event of all (by the event's own time, then its id), merged in; a delete removes the order. An
-- event that arrives late, older than one already applied, does not overwrite it.
{{ config(materialized='incremental', unique_key='order_id', delete_condition="_op = 'd'",
          on_schema_change='append_new_columns') }}
{% if is_incremental() %}{% set since = max_of(this, '_ingested_at') %}{% else %}{% set since = none %}{% endif %}
select *
from {{ latest_changes(ref('stg_ecomm_audit_log_dml_orders_flattened'), 'order_id',
                       order_by='_source_ts, _source_position', position='_ingested_at', since=since) }}
