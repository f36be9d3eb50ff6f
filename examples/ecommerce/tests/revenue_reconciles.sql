-- Gold agrees with silver: the days' revenue adds up to the successful payments' total.
select gold_revenue, silver_revenue
from (select sum(total_revenue) as gold_revenue from {{ ref('gold_daily_metrics') }})
cross join (select sum(amount) as silver_revenue from {{ ref('silver_payment_analysis') }} where is_successful)
where gold_revenue <> silver_revenue
