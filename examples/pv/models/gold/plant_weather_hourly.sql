-- Generation joined with the weather at the plant, hour by hour, with the hour's capacity factor.
{{ config(materialized='table', partition_by=['days(ts_utc)'], sort_by=['plant_id', 'ts_utc'], tags=['gold']) }}
select
  g.plant_id,
  g.ts_utc,
  g.energy_mwh,
  g.energy_mwh / p.capacity_mw as cf,
  w.ghi_wm2,
  w.dni_wm2,
  w.dhi_wm2,
  w.temp_c,
  w.wind_ms,
  w.cloud_cover_pct
from {{ ref('fact_generation_hourly') }} g
join {{ ref('dim_plant') }} p on p.plant_id = g.plant_id
left join {{ ref('fact_weather_hourly') }} w on w.plant_id = g.plant_id and w.ts_utc = g.ts_utc
