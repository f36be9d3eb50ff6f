{{ config(materialized='incremental', unique_key='customer_id', alias='customer_summary', tags=['gold']) }}
-- One row per customer: sessions, orders, lifetime value, conversion, support load and segment.
-- Segments: At-Risk = no successful order in the {{ var('at_risk_days') }} days before the latest
-- payment in the data; VIP = lifetime value of at least {{ var('vip_min_ltv') }}; Regular = the rest.
-- Incremental: the customers with new sessions, payments or tickets are summarised again (from all of
-- their rows) and merged in by customer_id; of the others, those whose segment the latest payment
-- changes get their new segment.
{% if is_incremental() %}
{% set since = max_of(this, 'last_ingested_at') %}
{# the customers with new rows: few, so they are broadcast to the scans below #}
{% set touched %}
  left semi join (
    select customer_id from {{ ref('silver_customer_sessions') }} where last_ingested_at > {{ since }}
    union select customer_id from {{ ref('silver_payment_analysis') }} where ingested_at > {{ since }}
    union select customer_id from {{ ref('silver_support_metrics') }} where ingested_at > {{ since }}) touched
  on x.customer_id = touched.customer_id
{% endset %}
{% endif %}
{% set segment %}
  case
    when last_order_at is null
      or last_order_at < latest_payment_at - make_dt_interval({{ var('at_risk_days') }}) then 'At-Risk'
    when total_ltv >= {{ var('vip_min_ltv') }} then 'VIP'
    else 'Regular'
  end
{% endset %}
{% set summary_columns %}
  customer_id, total_sessions, converted_sessions, total_orders, total_ltv, avg_order_value, conversion_rate,
  support_tickets_count, open_tickets_count, first_order_at, last_order_at
{% endset %}
with sessions as (
  select {% if is_incremental() %}/*+ BROADCAST(touched) */{% endif %}
    x.customer_id, count(*) as total_sessions, count_if(is_converted) as converted_sessions,
    max(last_ingested_at) as last_ingested_at
  from {{ ref('silver_customer_sessions') }} x {% if is_incremental() %} {{ touched }} {% endif %}
  group by x.customer_id
),
orders as (
  select {% if is_incremental() %}/*+ BROADCAST(touched) */{% endif %}
    x.customer_id, count(distinct order_id) as total_orders, sum(amount) as total_ltv,
    min(transaction_timestamp) as first_order_at, max(transaction_timestamp) as last_order_at,
    max(ingested_at) as last_ingested_at
  from {{ ref('silver_payment_analysis') }} x {% if is_incremental() %} {{ touched }} {% endif %}
  where is_successful
  group by x.customer_id
),
tickets as (
  select {% if is_incremental() %}/*+ BROADCAST(touched) */{% endif %}
    x.customer_id, count(*) as support_tickets_count, count_if(not is_resolved) as open_tickets_count,
    max(ingested_at) as last_ingested_at
  from {{ ref('silver_support_metrics') }} x {% if is_incremental() %} {{ touched }} {% endif %}
  group by x.customer_id
),
customers as (
  select customer_id from sessions
  union select customer_id from orders
  union select customer_id from tickets
),
as_of as (
  select max(transaction_timestamp) as latest_payment_at from {{ ref('silver_payment_analysis') }}
),
summaries as (
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
    greatest(s.last_ingested_at, o.last_ingested_at, t.last_ingested_at) as last_ingested_at,
    a.latest_payment_at
  from customers c
  cross join as_of a
  left join sessions s on s.customer_id = c.customer_id
  left join orders o on o.customer_id = c.customer_id
  left join tickets t on t.customer_id = c.customer_id
)
select {{ summary_columns }}, {{ segment }} as customer_segment, last_ingested_at
from summaries
{% if is_incremental() %}
union all
-- customers without new rows whose segment the latest payment changes (their other columns stay)
select {{ summary_columns }}, {{ segment }} as customer_segment, last_ingested_at
from (select t.*, a.latest_payment_at from {{ this }} t cross join as_of a) kept
left anti join customers c on c.customer_id = kept.customer_id
where {{ segment }} <> kept.customer_segment
{% endif %}
