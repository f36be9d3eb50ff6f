-- Completeness: every customer with a session, an order or a ticket has a summary row.
select customer_id from {{ ref('silver_customer_sessions') }}
where customer_id not in (select customer_id from {{ ref('gold_customer_summary') }})
