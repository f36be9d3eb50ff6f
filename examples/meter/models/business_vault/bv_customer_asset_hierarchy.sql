-- Customer -> account -> asset along the bridge, with each one's latest details.
{{ config(materialized='view') }}
with customer as (
  select customer_hk, customer_name, customer_type,
    row_number() over (partition by customer_hk order by load_ts desc) as recency
  from {{ ref('sat_customer_details') }}
),
account as (
  select account_hk, account_type, status,
    row_number() over (partition by account_hk order by load_ts desc) as recency
  from {{ ref('sat_customer_acc_details') }}
),
asset as (
  select asset_hk, asset_type, manufacturer, status,
    row_number() over (partition by asset_hk order by load_ts desc) as recency
  from {{ ref('sat_asset_details') }}
)
select hc.installation_id, c.customer_name, c.customer_type, ha.account_id, a.account_type,
  a.status as account_status, hm.asset_id, m.asset_type, m.manufacturer, m.status as asset_status
from {{ ref('bridge_customer_asset') }} b
join {{ ref('hub_customer') }} hc on hc.customer_hk = b.customer_hk
join {{ ref('hub_customer_account') }} ha on ha.account_hk = b.account_hk
join {{ ref('hub_asset') }} hm on hm.asset_hk = b.asset_hk
left join customer c on c.customer_hk = b.customer_hk and c.recency = 1
left join account a on a.account_hk = b.account_hk and a.recency = 1
left join asset m on m.asset_hk = b.asset_hk and m.recency = 1
