{{ config(materialized='view', alias='support_tickets', tags=['bronze']) }}
select ticket_id, customer_id, order_id, ticket_type, lower(priority) as priority, lower(status) as status,
       created_timestamp, first_response_timestamp, resolution_timestamp, agent_id, satisfaction_score, subject,
       channel,
       _ingested_at as ingested_at, 'csv:support_tickets' as source_system
from {{ source('raw', 'support_tickets') }}
