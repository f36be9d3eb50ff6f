with customer_orders as (
    select
        customer_id,
        min(order_date) as first_order,
        max(order_date) as most_recent_order,
        count(order_id) as number_of_orders,
        sum(amount) as customer_lifetime_value
    from {{ ref('orders') }}
    group by customer_id
)

select
    c.customer_id,
    c.first_name,
    c.last_name,
    co.first_order,
    {{ dbt.date_trunc('month', 'co.first_order') }} as first_order_month,
    co.most_recent_order,
    coalesce(co.number_of_orders, 0) as number_of_orders,
    coalesce(co.customer_lifetime_value, 0) as customer_lifetime_value
from {{ ref('stg_customers') }} c
left join customer_orders co on co.customer_id = c.customer_id
