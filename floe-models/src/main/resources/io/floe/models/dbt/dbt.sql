{#- dbt's cross-database macros, written for Spark SQL. Shipped with Floe: callable as dbt.name()
    and as name(). Arguments and results as dbt documents them. -#}

{% macro type_string() %}string{% endmacro %}
{% macro type_timestamp() %}timestamp{% endmacro %}
{% macro type_int() %}int{% endmacro %}
{% macro type_bigint() %}bigint{% endmacro %}
{#- dbt's float is a double-precision number on the warehouses it came from. -#}
{% macro type_float() %}double{% endmacro %}
{% macro type_numeric() %}decimal(28,6){% endmacro %}
{% macro type_boolean() %}boolean{% endmacro %}

{% macro current_timestamp() %}current_timestamp(){% endmacro %}
{% macro current_timestamp_backcompat() %}current_timestamp(){% endmacro %}
{% macro current_timestamp_in_utc_backcompat() %}to_utc_timestamp(current_timestamp(), current_timezone()){% endmacro %}

{% macro cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}
{% macro safe_cast(field, type) %}try_cast({{ field }} as {{ type }}){% endmacro %}

{% macro date_trunc(datepart, date) %}date_trunc('{{ datepart }}', {{ date }}){% endmacro %}

{#- The timestamp `interval` dateparts after the given one (a date is taken at midnight). -#}
{% macro dateadd(datepart, interval, from_date_or_timestamp) -%}
timestampadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}

{#- second_date - first_date in dateparts: the datepart boundaries crossed between them, as dbt's
    (datediff('2024-01-31', '2024-02-01', 'month') is 1). -#}
{% macro datediff(first_date, second_date, datepart) -%}
timestampdiff({{ datepart }}, date_trunc('{{ datepart }}', {{ first_date }}), date_trunc('{{ datepart }}', {{ second_date }}))
{%- endmacro %}

{% macro last_day(date, datepart) -%}
cast(timestampadd(day, -1, timestampadd({{ datepart }}, 1, date_trunc('{{ datepart }}', {{ date }}))) as date)
{%- endmacro %}

{% macro concat(fields) %}concat({{ fields | join(', ') }}){% endmacro %}
{% macro hash(field) %}md5(cast({{ field }} as string)){% endmacro %}
{% macro length(expression) %}length({{ expression }}){% endmacro %}
{% macro position(substring_text, string_text) %}position({{ substring_text }} in {{ string_text }}){% endmacro %}
{% macro replace(field, old_chars, new_chars) %}replace({{ field }}, {{ old_chars }}, {{ new_chars }}){% endmacro %}
{% macro right(string_text, length_expression) %}right({{ string_text }}, {{ length_expression }}){% endmacro %}
{% macro split_part(string_text, delimiter_text, part_number) %}split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }}){% endmacro %}
{% macro cast_bool_to_text(field) %}cast({{ field }} as string){% endmacro %}
{% macro any_value(expression) %}any_value({{ expression }}){% endmacro %}
{% macro bool_or(expression) %}bool_or({{ expression }}){% endmacro %}

{#- listagg(measure, delimiter_text="','", order_by_clause="order by x", limit_num=n). One sort
    direction for all the order_by_clause's expressions. -#}
{% macro listagg(measure, delimiter_text=none, order_by_clause=none, limit_num=none) -%}
{#- Jinjava splits a macro's parameters at every comma, so the default "','" is set here. -#}
{%- set delimiter_text = delimiter_text if delimiter_text is not none else "','" -%}
{%- if order_by_clause -%}
  {%- set clause = order_by_clause | trim | regex_replace('(?i)^order\\s+by\\s+', '') -%}
  {%- set descending = (clause | lower | regex_replace('.*\\sdesc$', 'DESC')) == 'DESC' -%}
  {%- set keys = clause | regex_replace('(?i)\\s+(asc|desc)$', '') -%}
  {%- set sorted -%}array_sort(collect_list(struct({{ keys }}, {{ measure }} as floe_listagg_value))){%- endset -%}
  {%- set ordered = 'reverse(' ~ sorted ~ ')' if descending else sorted -%}
  {%- set values = 'transform(' ~ ordered ~ ', floe_listagg_row -> floe_listagg_row.floe_listagg_value)' -%}
{%- else -%}
  {%- set values = 'collect_list(' ~ measure ~ ')' -%}
{%- endif -%}
{%- if limit_num -%}{%- set values = 'slice(' ~ values ~ ', 1, ' ~ limit_num ~ ')' -%}{%- endif -%}
array_join({{ values }}, {{ delimiter_text }})
{%- endmacro %}

{% macro escape_single_quotes(expression) %}{{ expression | replace("'", "\\'") }}{% endmacro %}
{% macro string_literal(value) %}'{{ value }}'{% endmacro %}
{% macro except() %}except{% endmacro %}
{% macro intersect() %}intersect{% endmacro %}

{% macro array_construct(inputs=[], data_type=none) -%}
{%- if inputs | length > 0 -%}array({{ inputs | join(', ') }}){%- else -%}cast(array() as array<{{ data_type or 'string' }}>){%- endif -%}
{%- endmacro %}
{% macro array_append(array, new_element) %}concat({{ array }}, array({{ new_element }})){% endmacro %}
{% macro array_concat(array_1, array_2) %}concat({{ array_1 }}, {{ array_2 }}){% endmacro %}

{#- dbt.date_spine(datepart, start_date, end_date): a column date_<datepart> of every datepart from
    start_date (included) to end_date (excluded); start and end are SQL expressions. -#}
{% macro date_spine(datepart, start_date, end_date) -%}
select * from (
    select timestampadd({{ datepart }}, floe_period, cast({{ start_date }} as timestamp)) as date_{{ datepart }}
    from (select explode(sequence(0, greatest({{ datediff(start_date, end_date, datepart) }}, 0))) as floe_period)
) where date_{{ datepart }} < cast({{ end_date }} as timestamp)
{%- endmacro %}

{#- dbt's statement blocks: {% call statement('name', fetch_result=True) %}sql{% endcall %} then
    load_result('name'). -#}
{% macro statement(name=none, fetch_result=false, auto_begin=true) -%}
{%- set sql = caller() -%}
{%- set table = run_query(sql) if execute else none -%}
{%- do __floe_results.put(name, {'table': table, 'data': (table.rows if table else []), 'response': 'OK'}) -%}
{%- endmacro %}
{% macro load_result(name) %}{{ return(__floe_results.get(name)) }}{% endmacro %}
