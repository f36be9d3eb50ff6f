{# Dispatched as dbt projects write it: the spark__ version, else the default one. #}
{% macro cents_to_dollars(column_name, scale=2) -%}
    {{ return(adapter.dispatch('cents_to_dollars')(column_name, scale)) }}
{%- endmacro %}

{% macro default__cents_to_dollars(column_name, scale) -%}
    round(cast({{ column_name }} as numeric(16, 2)) / 100, {{ scale }})
{%- endmacro %}

{% macro spark__cents_to_dollars(column_name, scale) -%}
    round(cast({{ column_name }} as decimal(16, 2)) / 100, {{ scale }})
{%- endmacro %}
