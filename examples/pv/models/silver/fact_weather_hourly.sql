-- Weather per plant per hour, in UTC, in SI units: irradiance in W/m2, temperature in degrees C,
-- wind in m/s (the API's km/h / 3.6), cloud cover in percent.
{{ config(materialized='incremental', unique_key=['plant_id', 'ts_utc'], partition_by=['days(ts_utc)'],
          sort_by=['plant_id', 'ts_utc'], tags=['silver']) }}
with ranked as (
  select *, row_number() over (partition by code, time order by _ingest_time desc) as newest
  from {{ source('bronze', 'om_weather_hourly_raw') }}
  {% if is_incremental() %}where _ingest_time > {{ max_of(this, 'ingested_at') }}{% endif %}
)
select
  code as plant_id,
  time as ts_utc,
  cast(shortwave_radiation as double) as ghi_wm2,
  cast(direct_normal_irradiance as double) as dni_wm2,
  cast(diffuse_radiation as double) as dhi_wm2,
  cast(temperature_2m as double) as temp_c,
  cast(wind_speed_10m as double) / 3.6 as wind_ms,
  cast(cloud_cover as double) as cloud_cover_pct,
  _ingest_time as ingested_at
from ranked
where newest = 1
