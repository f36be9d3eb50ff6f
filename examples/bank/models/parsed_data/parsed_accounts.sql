-- The accounts as PostgreSQL has them now: the newest change of each id; a delete removes it.
{{ config(materialized='incremental', unique_key='id', delete_condition="op = 'd'") }}
{% if is_incremental() %}{% set since = max_of(this, 'source_commit_lsn') %}{% else %}{% set since = none %}{% endif %}
select id, user_id, currency, balance, op, changed_at, source_commit_lsn, source_lsn
from {{ latest_changes(ref('account_changes'), 'id', order_by='source_commit_lsn, source_lsn', since=since) }}
