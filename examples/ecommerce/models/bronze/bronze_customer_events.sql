{{ config(materialized='view', alias='customer_events', tags=['bronze']) }}
-- Raw rows as loaded (typed by floe.yaml), with the seed's lineage columns.
select event_id, customer_id, session_id, lower(event_type) as event_type, event_timestamp, page_url,
       product_id, category_id, referrer_source, device_type, user_agent, ip_address,
       _ingested_at as ingested_at, 'csv:customer_events' as source_system
from {{ source('raw', 'customer_events') }}
