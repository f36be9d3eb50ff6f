{{ config(materialized='incremental', unique_key='snapshot_id', alias='inventory_health', tags=['silver']) }}
-- One row per stock snapshot with the seed's days-of-stock and reorder flags.
-- Sales are not in the snapshots, so avg_daily_sales is the product's average reserved quantity
-- (ordered, not yet shipped) over the snapshots of the 28 days up to this one, in that warehouse.
-- A snapshot's figure depends only on earlier ones: an incremental run computes the new snapshots
-- (reading the 28 days before them) and merges them in by snapshot_id.
{% set window_rows %}
  (select * from {{ ref('bronze_inventory_snapshots') }}
   {% if is_incremental() %}
   where snapshot_date >= (
     select date_sub(min(snapshot_date), 28) from {{ ref('bronze_inventory_snapshots') }}
     where ingested_at > {{ max_of(this, 'ingested_at') }})
   {% endif %})
{% endset %}
with snapshots as (
  select * from {{ latest_per_key(window_rows, 'snapshot_id', 'ingested_at desc, snapshot_date desc, quantity_on_hand desc, quantity_reserved desc') }}
  where quantity_on_hand is not null
),
with_sales as (
  select *,
    avg(quantity_reserved) over (
      partition by product_id, warehouse_id order by unix_date(snapshot_date)
      range between 27 preceding and current row) as avg_daily_sales
  from snapshots
)
select
  snapshot_id,
  product_id,
  warehouse_id,
  snapshot_date,
  quantity_on_hand,
  quantity_reserved,
  quantity_available,
  reorder_point,
  reorder_quantity,
  unit_cost,
  quantity_available * unit_cost as stock_value,
  cast(avg_daily_sales as decimal(10,2)) as avg_daily_sales,
  cast(case when avg_daily_sales > 0 then quantity_available / avg_daily_sales end as decimal(12,1)) as days_of_stock,
  avg_daily_sales > 0 and quantity_available / avg_daily_sales < 7 as is_low_stock,
  quantity_available <= reorder_point
    or (avg_daily_sales > 0 and quantity_available / avg_daily_sales < 7) as needs_reorder,
  ingested_at
from with_sales
{% if is_incremental() %}
where ingested_at > {{ max_of(this, 'ingested_at') }}
{% endif %}
