-- Every change to bank.accounts, parsed from the raw change events.
{{ config(materialized='view') }}
select
  cast(get_json_object(data, '$.id') as int) as id,
  get_json_object(data, '$.user_id') as user_id,
  get_json_object(data, '$.currency') as currency,
  cast(get_json_object(data, '$.balance') as decimal(12, 2)) as balance,
  op,
  timestamp_millis(source_ts_ms) as changed_at,
  source_commit_lsn,
  source_lsn,
  _ingested_at
from {{ source('raw_data', 'accounts') }}
