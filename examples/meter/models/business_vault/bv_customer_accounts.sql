-- Customers with their accounts, each at its latest satellite version.
{{ config(materialized='view') }}
with customer as (
  select h.customer_hk, h.installation_id, s.customer_name, s.customer_type, s.city, s.country,
    s.status as customer_status,
    row_number() over (partition by h.customer_hk order by s.load_ts desc) as recency
  from {{ ref('hub_customer') }} h
  join {{ ref('sat_customer_details') }} s on s.customer_hk = h.customer_hk
),
account as (
  select h.account_hk, h.account_id, s.account_number, s.account_type, s.billing_cycle, s.status as account_status,
    row_number() over (partition by h.account_hk order by s.load_ts desc) as recency
  from {{ ref('hub_customer_account') }} h
  join {{ ref('sat_customer_acc_details') }} s on s.account_hk = h.account_hk
)
select c.installation_id, c.customer_name, c.customer_type, c.city, c.country, c.customer_status,
  a.account_id, a.account_number, a.account_type, a.billing_cycle, a.account_status
from {{ ref('link_customer_account') }} l
join customer c on c.customer_hk = l.customer_hk and c.recency = 1
join account a on a.account_hk = l.account_hk and a.recency = 1
