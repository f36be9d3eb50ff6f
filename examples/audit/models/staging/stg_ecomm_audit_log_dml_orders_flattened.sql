-- The orders' audit events flattened: one typed column per payload key. A key that appears in new
-- events arrives as a new column (on_schema_change), here and in the marts, with no edit.
{{ config(materialized='incremental', unique_key='audit_event_id', on_schema_change='append_new_columns') }}
select *
from {{ source('landing', 'ecomm_orders_changes') }}
{% if is_incremental() %}where _ingested_at > {{ max_of(this, '_ingested_at') }}{% endif %}
