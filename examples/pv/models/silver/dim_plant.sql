-- One row per plant: the newest description of each solar facility, with its registered capacity
-- (the sum of its units') and its coordinates.
{{ config(materialized='table', tags=['silver']) }}
with ranked as (
  select *, row_number() over (partition by code order by _ingest_time desc) as newest
  from {{ source('bronze', 'oe_facilities_raw') }}
)
select
  code as plant_id,
  name as plant_name,
  network_region,
  cast(location__lat as double) as latitude,
  cast(location__lng as double) as longitude,
  aggregate(from_json(units, 'array<struct<capacity_registered:double,fueltech_id:string>>'), 0d,
            (total, unit) -> total + coalesce(unit.capacity_registered, 0d)) as capacity_mw,
  _ingest_time as updated_at
from ranked
where newest = 1
