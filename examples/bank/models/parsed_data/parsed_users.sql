-- The users as PostgreSQL has them now: the newest change of each id, merged in; a delete removes
-- the user. Each run reads only the changes after the newest one the table holds.
{{ config(materialized='incremental', unique_key='id', delete_condition="op = 'd'") }}
{% if is_incremental() %}{% set since = max_of(this, 'source_commit_lsn') %}{% else %}{% set since = none %}{% endif %}
select id, email, name, op, changed_at, source_commit_lsn, source_lsn
from {{ latest_changes(ref('user_changes'), 'id', order_by='source_commit_lsn, source_lsn', since=since) }}
