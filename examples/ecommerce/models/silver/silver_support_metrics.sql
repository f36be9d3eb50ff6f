{{ config(materialized='incremental', unique_key='ticket_id', alias='support_metrics', tags=['silver']) }}
-- One row per ticket with response and resolution times and the SLA flags by priority
-- (first response: urgent 1 h, high 4 h, medium 8 h, low 24 h; resolution: 24 h, 72 h, 120 h, 240 h).
-- Tickets change status over time: an incremental run merges the new versions by ticket_id.
{% set arrived %}
  (select * from {{ ref('bronze_support_tickets') }}
   {% if is_incremental() %} where ingested_at > {{ max_of(this, 'ingested_at') }} {% endif %})
{% endset %}
with tickets as (
  select * from {{ latest_per_key(arrived, 'ticket_id', 'ingested_at desc, created_timestamp desc') }}
  where customer_id is not null
),
timed as (
  select *,
    (unix_timestamp(first_response_timestamp) - unix_timestamp(created_timestamp)) / 3600.0 as response_hours,
    (unix_timestamp(resolution_timestamp) - unix_timestamp(created_timestamp)) / 3600.0 as resolution_hours,
    case priority when 'urgent' then 1 when 'high' then 4 when 'medium' then 8 else 24 end as response_sla_hours,
    case priority when 'urgent' then 24 when 'high' then 72 when 'medium' then 120 else 240 end
      as resolution_sla_hours
  from tickets
)
select
  ticket_id,
  customer_id,
  order_id,
  ticket_type,
  priority,
  status,
  channel,
  agent_id,
  satisfaction_score,
  created_timestamp,
  cast(created_timestamp as date) as created_date,
  first_response_timestamp,
  resolution_timestamp,
  cast(response_hours as decimal(10,2)) as response_time_hours,
  cast(resolution_hours as decimal(10,2)) as resolution_time_hours,
  response_sla_hours,
  resolution_sla_hours,
  status in ('resolved', 'closed') as is_resolved,
  coalesce(response_hours <= response_sla_hours, false) as meets_response_sla,
  coalesce(resolution_hours <= resolution_sla_hours, false) as meets_resolution_sla,
  ingested_at
from timed
