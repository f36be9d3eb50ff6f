{{ config(materialized='table', alias='product_summary', tags=['gold']) }}
-- One row per product: views, carts, purchases, cart-to-purchase conversion, revenue and stock now.
-- The sources carry no order lines, so a purchase is an add-to-cart in a session that converted,
-- and revenue_generated prices it at the product's average unit cost times var('markup').
with product_events as (
  select e.product_id,
         count_if(e.event_type = 'product_view') as product_views,
         count_if(e.event_type = 'add_to_cart') as add_to_cart_events,
         count_if(e.event_type = 'add_to_cart' and s.is_converted) as product_purchases
  from {{ ref('bronze_customer_events') }} e
  join {{ ref('silver_customer_sessions') }} s on s.session_id = e.session_id
  where e.product_id is not null
  group by e.product_id
),
latest_stock as (
  select product_id, warehouse_id, quantity_available, unit_cost, needs_reorder,
         row_number() over (partition by product_id, warehouse_id order by snapshot_date desc, snapshot_id desc)
           as recency
  from {{ ref('silver_inventory_health') }}
),
stock as (
  select product_id,
         sum(quantity_available) as current_stock_level,
         count_if(needs_reorder) as warehouses_needing_reorder,
         avg(unit_cost) as avg_unit_cost
  from latest_stock
  where recency = 1
  group by product_id
)
select
  coalesce(e.product_id, s.product_id) as product_id,
  coalesce(e.product_views, 0) as product_views,
  coalesce(e.add_to_cart_events, 0) as add_to_cart_events,
  coalesce(e.product_purchases, 0) as product_purchases,
  -- of the times the product went into a cart, the share that ended in a purchase
  cast(e.product_purchases / nullif(e.add_to_cart_events, 0) as decimal(8,4)) as conversion_rate,
  cast(coalesce(e.product_purchases, 0) * s.avg_unit_cost * {{ var('markup') }} as decimal(14,2)) as revenue_generated,
  coalesce(s.current_stock_level, 0) as current_stock_level,
  coalesce(s.warehouses_needing_reorder, 0) as warehouses_needing_reorder
from product_events e
full outer join stock s on s.product_id = e.product_id
