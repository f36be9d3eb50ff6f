{% snapshot orders_snapshot %}

{{
    config(
      target_schema='snapshots',
      unique_key='order_id',
      strategy='check',
      check_cols=['status'],
      hard_deletes='invalidate'
    )
}}

select order_id, customer_id, order_date, status from {{ ref('stg_orders') }}

{% endsnapshot %}
