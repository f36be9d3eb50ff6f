-- Each order has exactly one current version in its history (a deleted order's is its deletion).
select order_id, count(*) as current_versions
from {{ ref('orders_history_scd2') }}
where is_current
group by order_id
having count(*) <> 1
