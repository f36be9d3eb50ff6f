-- Every change to bank.users, parsed from the raw change events (data holds the row as JSON; for a
-- delete, the key). Ordered by source_commit_lsn (the transaction) and source_lsn (inside it).
{{ config(materialized='view') }}
select
  get_json_object(data, '$.id') as id,
  get_json_object(data, '$.email') as email,
  get_json_object(data, '$.name') as name,
  op,
  timestamp_millis(source_ts_ms) as changed_at,
  source_commit_lsn,
  source_lsn,
  _ingested_at
from {{ source('raw_data', 'users') }}
