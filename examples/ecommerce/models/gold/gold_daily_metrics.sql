{{ config(materialized='incremental', unique_key='metric_date', alias='daily_metrics', tags=['gold']) }}
-- One row per day: revenue, orders, average order value, customers and fraud flags from payments,
-- with the day's sessions and conversions. Incremental: only the days that received new payments
-- or sessions are recomputed, and merged in by metric_date.
{% if is_incremental() %}
{% set since = max_of(this, 'last_ingested_at') %}
{# the days with new payments or sessions: few, so they are broadcast to the scans below #}
{% set changed_days %}
  left semi join (
    select transaction_date as day from {{ ref('silver_payment_analysis') }} where ingested_at > {{ since }}
    union
    select session_date from {{ ref('silver_customer_sessions') }} where last_ingested_at > {{ since }}) changed
{% endset %}
{% endif %}
with payments as (
  select {% if is_incremental() %}/*+ BROADCAST(changed) */{% endif %}
    transaction_date as metric_date,
    sum(case when is_successful then amount else 0 end) as total_revenue,
    count(distinct case when is_successful then order_id end) as total_orders,
    count(distinct case when is_successful then customer_id end) as total_customers,
    count_if(not is_successful) as unsuccessful_payments,
    count_if(is_fraud_flagged) as fraud_flag_count,
    count_if(is_high_value) as high_value_payments,
    max(ingested_at) as last_ingested_at
  from {{ ref('silver_payment_analysis') }}
  {% if is_incremental() %} {{ changed_days }} on transaction_date = changed.day {% endif %}
  group by transaction_date
),
sessions as (
  select {% if is_incremental() %}/*+ BROADCAST(changed) */{% endif %}
    session_date as metric_date,
    count(*) as total_sessions,
    count_if(is_converted) as converted_sessions,
    max(last_ingested_at) as last_ingested_at
  from {{ ref('silver_customer_sessions') }}
  {% if is_incremental() %} {{ changed_days }} on session_date = changed.day {% endif %}
  group by session_date
)
select
  coalesce(p.metric_date, s.metric_date) as metric_date,
  coalesce(p.total_revenue, 0) as total_revenue,
  coalesce(p.total_orders, 0) as total_orders,
  cast(p.total_revenue / nullif(p.total_orders, 0) as decimal(12,2)) as avg_order_value,
  coalesce(p.total_customers, 0) as total_customers,
  coalesce(p.unsuccessful_payments, 0) as unsuccessful_payments,
  coalesce(p.fraud_flag_count, 0) as fraud_flag_count,
  coalesce(p.high_value_payments, 0) as high_value_payments,
  coalesce(s.total_sessions, 0) as total_sessions,
  coalesce(s.converted_sessions, 0) as converted_sessions,
  cast(s.converted_sessions / nullif(s.total_sessions, 0) as decimal(6,4)) as session_conversion_rate,
  greatest(p.last_ingested_at, s.last_ingested_at) as last_ingested_at
from payments p
full outer join sessions s on s.metric_date = p.metric_date
