-- Each reading at its latest version (a corrected reading replaces the first), with its quality.
{{ config(materialized='view') }}
select asset_id, interval_start, interval_end, reading_value, reading_type, unit_of_measure, quality_code,
  is_usable, status, source_system, created_at
from (
  select h.asset_id, m.interval_start, m.interval_end, m.reading_value, m.reading_type, m.unit_of_measure,
    m.quality_code, q.is_usable = 'true' as is_usable, m.status, m.source_system, m.load_ts as created_at,
    row_number() over (partition by m.asset_hk, m.interval_start order by m.load_ts desc) as recency
  from {{ ref('sat_asset_measurements') }} m
  join {{ ref('hub_asset') }} h on h.asset_hk = m.asset_hk
  left join {{ ref('ref_quality_code') }} q on q.quality_code = m.quality_code
)
where recency = 1
