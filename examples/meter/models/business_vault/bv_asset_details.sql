-- Assets (meters) at their latest version, with the account they belong to now and their type's description.
{{ config(materialized='view') }}
with asset as (
  select h.asset_hk, h.asset_id, s.asset_serial_number, s.asset_type, s.manufacturer, s.model,
    s.installation_date, s.last_calibration_date, s.next_calibration_date, s.status,
    row_number() over (partition by h.asset_hk order by s.load_ts desc) as recency
  from {{ ref('hub_asset') }} h
  join {{ ref('sat_asset_details') }} s on s.asset_hk = h.asset_hk
),
current_account as (
  select asset_hk, account_id from (
    select e.asset_hk, a.account_id, e.end_ts,
      row_number() over (partition by e.asset_hk order by e.load_ts desc, e.end_ts desc) as recency
    from {{ ref('eff_account_asset') }} e
    join {{ ref('link_account_asset') }} l on l.account_asset_hk = e.account_asset_hk
    join {{ ref('hub_customer_account') }} a on a.account_hk = l.account_hk
  ) where recency = 1 and end_ts = timestamp '9999-12-31 00:00:00'
)
select a.asset_id, c.account_id, a.asset_serial_number, a.asset_type, t.description as meter_type_description,
  t.default_unit, a.manufacturer, a.model, a.installation_date, a.last_calibration_date, a.next_calibration_date,
  a.status
from asset a
left join current_account c on c.asset_hk = a.asset_hk
left join {{ ref('ref_meter_type') }} t on t.meter_type = a.asset_type
where a.recency = 1
