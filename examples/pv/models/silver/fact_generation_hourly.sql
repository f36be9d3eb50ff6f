-- Energy per plant per hour, in UTC (the API answers in network time, +10:00), in MWh whatever unit
-- the API reports, one row per plant and hour (a re-read hour replaces the one before).
{{ config(materialized='incremental', unique_key=['plant_id', 'ts_utc'], partition_by=['days(ts_utc)'],
          sort_by=['plant_id', 'ts_utc'], tags=['silver']) }}
with ranked as (
  select *, row_number() over (partition by code, ts order by _ingest_time desc) as newest
  from {{ source('bronze', 'oe_generation_hourly_raw') }}
  {% if is_incremental() %}where _ingest_time > {{ max_of(this, 'ingested_at') }}{% endif %}
)
select
  code as plant_id,
  unit_code,
  ts as ts_utc,
  case lower(unit) when 'kwh' then energy / 1000 when 'gwh' then energy * 1000 else energy end as energy_mwh,
  _ingest_time as ingested_at
from ranked
where newest = 1 and metric = 'energy'
