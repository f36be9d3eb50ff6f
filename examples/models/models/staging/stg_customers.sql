{{ config(materialized='table') }}
select id, name, amount, op, ts
from {{ ranked_by_key(source('bronze', 'customer_events'), 'id', 'ts') }}
where __rank = 1 and amount >= {{ var('min_amount') }}
