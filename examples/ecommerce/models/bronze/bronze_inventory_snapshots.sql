{{ config(materialized='view', alias='inventory_snapshots', tags=['bronze']) }}
select snapshot_id, product_id, warehouse_id, snapshot_date, quantity_on_hand, quantity_reserved,
       quantity_available, reorder_point, reorder_quantity, supplier_id, last_received_date, unit_cost,
       _ingested_at as ingested_at, 'csv:inventory_snapshots' as source_system
from {{ source('raw', 'inventory_snapshots') }}
