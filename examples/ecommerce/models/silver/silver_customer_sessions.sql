{{ config(materialized='incremental', unique_key='session_id', alias='customer_sessions', tags=['silver']) }}
-- One row per session: its span, events by type and the seed's conversion flags.
-- Incremental: only sessions that received new events are recomputed (from all of their events)
-- and merged in by session_id.
{% set session_events %}
  (select {% if is_incremental() %}/*+ BROADCAST(touched) */{% endif %}
     event_id, customer_id, session_id, event_type, event_timestamp, device_type, referrer_source, ingested_at
   from {{ ref('bronze_customer_events') }} e
   {% if is_incremental() %}
   -- the sessions with new events: few, so they are broadcast rather than the events shuffled
   left semi join (
     select distinct session_id from {{ ref('bronze_customer_events') }}
     where ingested_at > {{ max_of(this, 'last_ingested_at') }}) touched
   on e.session_id = touched.session_id
   {% endif %})
{% endset %}
with events as (
  select * from {{ latest_per_key(session_events, 'event_id', 'ingested_at desc, event_timestamp desc') }}
),
sessions as (
  select
    session_id,
    -- a session belongs to one customer; a few events lost their customer_id, the others still carry it
    max(customer_id) as customer_id,
    min(event_timestamp) as session_start,
    max(event_timestamp) as session_end,
    count(*) as total_events,
    count_if(event_type = 'page_view') as page_views,
    count_if(event_type = 'product_view') as product_views,
    count_if(event_type = 'add_to_cart') as add_to_cart_events,
    count_if(event_type = 'remove_from_cart') as remove_from_cart_events,
    count_if(event_type = 'checkout_start') as checkout_starts,
    count_if(event_type = 'purchase') as purchases,
    max(device_type) as device_type,
    max(referrer_source) as referrer_source,
    max(ingested_at) as last_ingested_at
  from events
  group by session_id
)
select
  session_id,
  customer_id,
  cast(session_start as date) as session_date,
  session_start,
  session_end,
  unix_timestamp(session_end) - unix_timestamp(session_start) as session_duration_seconds,
  total_events,
  page_views,
  product_views,
  add_to_cart_events,
  remove_from_cart_events,
  checkout_starts,
  purchases,
  device_type,
  referrer_source,
  purchases > 0 as is_converted,
  add_to_cart_events > 0 and purchases = 0 as is_abandoned,
  total_events = 1 as is_bounce,
  last_ingested_at
from sessions
where customer_id is not null
