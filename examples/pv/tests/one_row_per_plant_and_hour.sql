-- Hourly facts hold one row per plant and hour, however often an hour was read.
select plant_id, ts_utc, count(*) as rows_of_the_hour
from {{ ref('fact_generation_hourly') }}
group by plant_id, ts_utc
having count(*) > 1
