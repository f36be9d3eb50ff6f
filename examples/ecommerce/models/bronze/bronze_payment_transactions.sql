{{ config(materialized='view', alias='payment_transactions', tags=['bronze']) }}
select transaction_id, order_id, customer_id, payment_method, lower(payment_status) as payment_status, amount,
       upper(currency) as currency, transaction_timestamp, processor_response_code, gateway_fee, merchant_id,
       billing_country, risk_score,
       _ingested_at as ingested_at, 'csv:payment_transactions' as source_system
from {{ source('raw', 'payment_transactions') }}
