-- A plant cannot send out more than its capacity over a day.
select plant_id, ds, cf
from {{ ref('daily_plant_kpi') }}
where cf < 0 or cf > 1
