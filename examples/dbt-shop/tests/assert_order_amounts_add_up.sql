-- Every order's amount is the sum of its payments by method.
select order_id
from {{ ref('orders') }}
where amount <> {% for payment_method in var('payment_methods') %}{{ payment_method }}_amount{% if not loop.last %} + {% endif %}{% endfor %}
