{{ config(materialized='incremental', unique_key='id', delete_condition="op = 'D'",
          partition_by=['bucket(4, id)']) }}
select id, name, amount, op, ts as updated_at
from {{ ref('stg_customers') }}
