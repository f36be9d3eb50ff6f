-- Every audit event once (deduplicated by event id), as landed from public.audit_log_dml, with the
-- row still as JSON. Each run reads only what landed since the last one.
{{ config(materialized='incremental', unique_key='audit_event_id') }}
select audit_event_id, audit_operation, audit_timestamp, tbl_schema, tbl_name, raw_data, ingested_at
from (
  select audit_event_id, audit_operation, audit_timestamp, tbl_schema, tbl_name, raw_data,
    _ingested_at as ingested_at,
    row_number() over (partition by audit_event_id order by _ingested_at desc) as copy_number
  from {{ source('landing', 'ecomm_audit_log_dml') }}
  {% if is_incremental() %}where _ingested_at > {{ max_of(this, 'ingested_at') }}{% endif %}
)
where copy_number = 1
