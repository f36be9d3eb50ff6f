{{ config(materialized='incremental', unique_key='transaction_id', alias='payment_analysis', tags=['silver']) }}
-- One row per payment with the seed's time features and risk flags. Payments without an amount
-- are left out (the bronze test reports them). Incremental: new payments merged by transaction_id.
{% set arrived %}
  (select * from {{ ref('bronze_payment_transactions') }}
   {% if is_incremental() %} where ingested_at > {{ max_of(this, 'ingested_at') }} {% endif %})
{% endset %}
with payments as (
  select * from {{ latest_per_key(arrived, 'transaction_id', 'ingested_at desc, transaction_timestamp desc') }}
  where amount is not null
)
select
  transaction_id,
  order_id,
  customer_id,
  payment_method,
  payment_status,
  amount,
  currency,
  gateway_fee,
  amount - gateway_fee as net_amount,
  risk_score,
  billing_country,
  merchant_id,
  transaction_timestamp,
  cast(transaction_timestamp as date) as transaction_date,
  hour(transaction_timestamp) as transaction_hour,
  date_format(transaction_timestamp, 'EEEE') as day_of_week,
  payment_status = 'completed' as is_successful,
  amount > 500 as is_high_value,
  hour(transaction_timestamp) >= 23 or hour(transaction_timestamp) < 6 as is_off_hours,
  dayofweek(transaction_timestamp) in (1, 7) as is_weekend,
  -- flagged for review: a high processor risk score, or a large payment in the small hours
  risk_score >= 95 or (amount > 1500 and (hour(transaction_timestamp) >= 23 or hour(transaction_timestamp) < 6))
    as is_fraud_flagged,
  ingested_at
from payments
