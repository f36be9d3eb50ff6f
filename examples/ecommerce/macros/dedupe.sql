{# One row per key: the first by `order_by` (say 'ingested_at desc'). The sources, like real ones, repeat a few keys. #}
{% macro latest_per_key(relation, key, order_by) %}
(select * from (
   select *, row_number() over (partition by {{ key }} order by {{ order_by }}) as __row_in_key
   from {{ relation }})
 where __row_in_key = 1)
{% endmacro %}
