{{ config(materialized='scd2', unique_key='id', strategy='timestamp', updated_at='updated_at') }}
select id, name, amount, updated_at from {{ ref('customers') }}
