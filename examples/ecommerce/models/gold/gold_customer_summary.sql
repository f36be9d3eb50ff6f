{{ config(materialized='table', alias='customer_summary', tags=['gold']) }}
-- One row per customer: sessions, orders, lifetime value, conversion, support load and segment.
-- Segments: At-Risk = no successful order in the {{ var('at_risk_days') }} days before the latest
-- payment in the data; VIP = lifetime value of at least {{ var('vip_min_ltv') }}; Regular = the rest.
with sessions as (
  select customer_id, count(*) as total_sessions, count_if(is_converted) as converted_sessions
  from {{ ref('silver_customer_sessions') }}
  group by customer_id
),
orders as (
  select customer_id, count(distinct order_id) as total_orders, sum(amount) as total_ltv,
         min(transaction_timestamp) as first_order_at, max(transaction_timestamp) as last_order_at
  from {{ ref('silver_payment_analysis') }}
  where is_successful
  group by customer_id
),
tickets as (
  select customer_id, count(*) as support_tickets_count, count_if(not is_resolved) as open_tickets_count
  from {{ ref('silver_support_metrics') }}
  group by customer_id
),
customers as (
  select customer_id from sessions
  union select customer_id from orders
  union select customer_id from tickets
),
as_of as (
  select max(transaction_timestamp) as latest_payment_at from {{ ref('silver_payment_analysis') }}
)
select
  c.customer_id,
  coalesce(s.total_sessions, 0) as total_sessions,
  coalesce(s.converted_sessions, 0) as converted_sessions,
  coalesce(o.total_orders, 0) as total_orders,
  coalesce(o.total_ltv, 0) as total_ltv,
  cast(o.total_ltv / o.total_orders as decimal(12,2)) as avg_order_value,
  cast(s.converted_sessions / s.total_sessions as decimal(6,4)) as conversion_rate,
  coalesce(t.support_tickets_count, 0) as support_tickets_count,
  coalesce(t.open_tickets_count, 0) as open_tickets_count,
  o.first_order_at,
  o.last_order_at,
  case
    when o.last_order_at is null
      or o.last_order_at < a.latest_payment_at - make_dt_interval({{ var('at_risk_days') }}) then 'At-Risk'
    when o.total_ltv >= {{ var('vip_min_ltv') }} then 'VIP'
    else 'Regular'
  end as customer_segment
from customers c
cross join as_of a
left join sessions s on s.customer_id = c.customer_id
left join orders o on o.customer_id = c.customer_id
left join tickets t on t.customer_id = c.customer_id
