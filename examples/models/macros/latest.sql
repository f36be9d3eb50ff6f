{# Ranks each key's rows newest first: keep __rank = 1 for the latest (the CDC staging pattern). #}
{% macro ranked_by_key(relation, key, order_by) %}
(select *, row_number() over (partition by {{ key }} order by {{ order_by }} desc) as __rank
 from {{ relation }})
{% endmacro %}
