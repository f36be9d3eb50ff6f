-- Daily KPIs per plant (UTC days): energy, capacity factor (energy over capacity x 24 h),
-- missingness (hours without a reading), and latency (hours from the day's last reading to its load).
{{ config(materialized='table', tags=['gold']) }}
select
  g.plant_id,
  to_date(g.ts_utc) as ds,
  round(sum(g.energy_mwh), 4) as energy_mwh,
  round(sum(g.energy_mwh) / (max(p.capacity_mw) * 24), 4) as cf,
  24 - count(*) as missing_hours,
  round((24 - count(*)) / 24.0, 4) as missingness,
  round(avg(w.ghi_wm2), 1) as avg_ghi_wm2,
  round((unix_timestamp(max(g.ingested_at)) - unix_timestamp(max(g.ts_utc))) / 3600.0, 1) as latency_hours
from {{ ref('fact_generation_hourly') }} g
join {{ ref('dim_plant') }} p on p.plant_id = g.plant_id
left join {{ ref('fact_weather_hourly') }} w on w.plant_id = g.plant_id and w.ts_utc = g.ts_utc
group by g.plant_id, to_date(g.ts_utc)
