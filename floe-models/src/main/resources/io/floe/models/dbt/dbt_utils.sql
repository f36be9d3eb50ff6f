{#- The commonly used macros of dbt_utils 1.x, written for Spark SQL. Shipped with Floe: callable as
    dbt_utils.name() with no `dbt deps`. Arguments and results as dbt_utils documents them. -#}

{#- md5 of the fields cast to string, NULL as '_dbt_utils_surrogate_key_null_' (or '' with the var
    surrogate_key_treat_nulls_as_empty_strings), joined with '-': the same keys as dbt_utils'. -#}
{% macro generate_surrogate_key(field_list) -%}
{%- if var('surrogate_key_treat_nulls_as_empty_strings', false) -%}
  {%- set null_value = '' -%}
{%- else -%}
  {%- set null_value = '_dbt_utils_surrogate_key_null_' -%}
{%- endif -%}
{%- set fields = [] -%}
{%- for field in field_list -%}
  {%- do fields.append("coalesce(cast(" ~ field ~ " as " ~ dbt.type_string() ~ "), '" ~ null_value ~ "')") -%}
  {%- if not loop.last -%}{%- do fields.append("'-'") -%}{%- endif -%}
{%- endfor -%}
{{ dbt.hash(dbt.concat(fields)) }}
{%- endmacro %}

{#- dbt_utils 0.x's surrogate_key, removed in 1.0 (dbt_utils 1.x raises an error instead): projects
    that pin dbt_utils below 1.0 call it. md5 of the fields (a list, or several arguments) cast to
    string, NULL as '', joined with '-': 0.x's keys. -#}
{% macro surrogate_key(field_list) -%}
{%- if field_list is string -%}
  {%- set field_list = [field_list] + varargs -%}
{%- endif -%}
{%- set fields = [] -%}
{%- for field in field_list -%}
  {%- do fields.append("coalesce(cast(" ~ field ~ " as " ~ dbt.type_string() ~ "), '')") -%}
  {%- if not loop.last -%}{%- do fields.append("'-'") -%}{%- endif -%}
{%- endfor -%}
{{ dbt.hash(dbt.concat(fields)) }}
{%- endmacro %}

{#- The relation's columns but those in except (any case), each quoted, optionally prefixed with
    relation_alias. and renamed prefix~column~suffix. While parsing (no engine) it is '*'. -#}
{% macro star(from, relation_alias=false, except=[], prefix='', suffix='', quote_identifiers=true) -%}
{%- if not execute -%}{{ return('*') }}{%- endif -%}
{%- set columns = dbt_utils.get_filtered_columns_in_relation(from, except) -%}
{%- if columns | length == 0 -%}{{ return('*') }}{%- endif -%}
{%- for column in columns -%}
{%- if relation_alias %}{{ relation_alias }}.{% endif -%}
{%- if quote_identifiers %}{{ adapter.quote(column) }}{% else %}{{ column }}{% endif -%}
{%- if prefix or suffix %} as {% if quote_identifiers %}{{ adapter.quote(prefix ~ column ~ suffix) }}{% else %}{{ prefix ~ column ~ suffix }}{% endif %}{% endif -%}
{%- if not loop.last %},
{% endif -%}
{%- endfor -%}
{%- endmacro %}

{% macro get_filtered_columns_in_relation(from, except=[]) -%}
{%- if not execute -%}{{ return([]) }}{%- endif -%}
{%- set excluded = [] -%}
{%- for column in except -%}{%- do excluded.append(column | lower) -%}{%- endfor -%}
{%- set kept = [] -%}
{%- for column in adapter.get_columns_in_relation(from) -%}
  {%- if (column.name | lower) not in excluded -%}{%- do kept.append(column.name) -%}{%- endif -%}
{%- endfor -%}
{{ return(kept) }}
{%- endmacro %}

{#- The relations' rows, each relation's columns matched by name (any case) and the ones it lacks
    NULL, with _dbt_source_relation naming the relation each row came from. -#}
{% macro union_relations(relations, column_override=none, include=[], exclude=[], source_column_name='_dbt_source_relation', where=none) -%}
{%- if not execute -%}{{ return('') }}{%- endif -%}
{%- if include | length > 0 and exclude | length > 0 -%}
  {{ exceptions.raise_compiler_error("Both an exclude and include list were provided to the `union` macro. Only one is allowed") }}
{%- endif -%}
{%- set override = column_override or {} -%}
{%- set included = [] -%}{%- for column in include -%}{%- do included.append(column | lower) -%}{%- endfor -%}
{%- set excluded = [] -%}{%- for column in exclude -%}{%- do excluded.append(column | lower) -%}{%- endfor -%}
{%- set names = [] -%}
{%- set types = {} -%}
{%- set spelling = {} -%}
{%- set relation_columns = {} -%}
{%- for relation in relations -%}
  {%- set present = [] -%}
  {%- for column in adapter.get_columns_in_relation(relation) -%}
    {%- set key = column.name | lower -%}
    {%- if (included | length == 0 or key in included) and key not in excluded -%}
      {%- do present.append(key) -%}
      {%- if key not in names -%}
        {%- do names.append(key) -%}
        {%- do spelling.put(key, column.name) -%}
        {%- do types.put(key, (override[column.name] if column.name in override else column.data_type)) -%}
      {%- endif -%}
    {%- endif -%}
  {%- endfor -%}
  {%- do relation_columns.put(relation ~ '', present) -%}
{%- endfor -%}
{%- for relation in relations %}
    (
        select
            cast({{ dbt.string_literal(relation) }} as {{ dbt.type_string() }}) as {{ source_column_name }}
            {%- for key in names -%},
            {% if key in relation_columns[relation ~ ''] -%}
            cast({{ adapter.quote(spelling[key]) }} as {{ types[key] }}) as {{ adapter.quote(spelling[key]) }}
            {%- else -%}
            cast(null as {{ types[key] }}) as {{ adapter.quote(spelling[key]) }}
            {%- endif -%}
            {%- endfor %}
        from {{ relation }}
        {% if where -%} where {{ where }} {%- endif %}
    )
    {% if not loop.last %}union all{% endif %}
{%- endfor -%}
{%- endmacro %}

{% macro date_spine(datepart, start_date, end_date) -%}{{ dbt.date_spine(datepart, start_date, end_date) }}{%- endmacro %}

{#- One aggregate per value: sum(case when column = 'value' then 1 else 0 end) as `value`. -#}
{% macro pivot(column, values, alias=true, agg='sum', cmp='=', prefix='', suffix='', then_value=1, else_value=0, quote_identifiers=true, distinct=false) -%}
{%- for value in values %}
  {{ agg }}(
    {% if distinct %} distinct {% endif %}
    case
    when {{ column }} {{ cmp }} '{{ dbt.escape_single_quotes(value) }}'
      then {{ then_value }}
    else {{ else_value }}
    end
  )
  {%- if alias %}
    {%- if quote_identifiers %} as {{ adapter.quote(prefix ~ value ~ suffix) }}
    {%- else %} as {{ dbt_utils.slugify(prefix ~ value ~ suffix) }}
    {%- endif %}
  {%- endif %}
  {%- if not loop.last %},{% endif %}
{%- endfor %}
{%- endmacro %}

{% macro slugify(string) -%}
{%- set slug = string | lower | regex_replace('[ -]+', '_') | regex_replace('[^a-z0-9_]+', '') -%}
{%- if slug | regex_replace('^[0-9].*', '') == '' -%}{%- set slug = '_' ~ slug -%}{%- endif -%}
{{ return(slug) }}
{%- endmacro %}

{#- The column's distinct values, most frequent first (order_by), read with run_query when the
    model runs; while parsing, default (or []). -#}
{% macro get_column_values(table, column, where=none, order_by=none, max_records=none, default=none) -%}
{%- if not execute -%}{{ return(default if default is not none else []) }}{%- endif -%}
{%- set order = order_by or 'count(*) desc' -%}
{%- set query -%}
select {{ column }} as value
from {{ table }}
{% if where is not none %}where {{ where }}{% endif %}
group by {{ column }}
order by {{ order }}
{% if max_records is not none %}limit {{ max_records }}{% endif %}
{%- endset -%}
{%- set results = run_query(query) -%}
{{ return(results.columns[0].values()) }}
{%- endmacro %}

{% macro get_single_value(query, default=none) -%}
{%- if not execute -%}{{ return(default) }}{%- endif -%}
{%- set results = run_query(query) -%}
{%- if results.rows | length == 0 -%}{{ return(default) }}{%- endif -%}
{{ return(results.rows[0][0]) }}
{%- endmacro %}

{% macro safe_divide(numerator, denominator) -%}
( {{ numerator }} ) / nullif( ( {{ denominator }} ), 0)
{%- endmacro %}

{% macro safe_add(field_list) -%}
{%- set fields = [] -%}
{%- for field in field_list -%}{%- do fields.append("coalesce(" ~ field ~ ", 0)") -%}{%- endfor -%}
{{ fields | join(' +\n  ') }}
{%- endmacro %}

{% macro safe_subtract(field_list) -%}
{%- set fields = [] -%}
{%- for field in field_list -%}{%- do fields.append("coalesce(" ~ field ~ ", 0)") -%}{%- endfor -%}
{{ fields | join(' -\n  ') }}
{%- endmacro %}

{#- The first row of each partition_by group in order_by order, with the relation's columns. -#}
{% macro deduplicate(relation, partition_by, order_by) -%}
select floe_dedup_row.* from (
    select struct(*) as floe_dedup_row,
        row_number() over (partition by {{ partition_by }} order by {{ order_by }}) as floe_dedup_rank
    from {{ relation }}
) where floe_dedup_rank = 1
{%- endmacro %}

{% macro group_by(n) -%}
group by {% for i in range(1, n + 1) %}{{ i }}{{ ',' if not loop.last }}{% endfor %}
{%- endmacro %}

{% macro generate_series(upper_bound) -%}
select explode(sequence(1, {{ upper_bound }})) as generated_number
{%- endmacro %}

{% macro width_bucket(expr, min_value, max_value, num_buckets) -%}
width_bucket({{ expr }}, {{ min_value }}, {{ max_value }}, {{ num_buckets }})
{%- endmacro %}

{% macro haversine_distance(lat1, lon1, lat2, lon2, unit='mi') -%}
{%- set conversion = 1 if unit == 'mi' else 1.60934 -%}
2 * 3961 * asin(sqrt(pow(sin(radians(({{ lat2 }} - {{ lat1 }}) / 2)), 2) + cos(radians({{ lat1 }})) * cos(radians({{ lat2 }})) * pow(sin(radians(({{ lon2 }} - {{ lon1 }}) / 2)), 2))) * {{ conversion }}
{%- endmacro %}

{% macro log_info(message) -%}{{ log(message, info=true) }}{%- endmacro %}

{#- One row per column of the relation but exclude's (kept as they are) and remove's: field_name
    is the column's name and value_name its value cast to cast_to. -#}
{% macro unpivot(relation=none, cast_to='string', exclude=none, remove=none, field_name='field_name', value_name='value', quote_identifiers=false) -%}
{%- if not execute -%}{{ return('') }}{%- endif -%}
{%- set kept = [] -%}{%- for column in (exclude or []) -%}{%- do kept.append(column | lower) -%}{%- endfor -%}
{%- set dropped = [] -%}{%- for column in (remove or []) -%}{%- do dropped.append(column | lower) -%}{%- endfor -%}
{%- set unpivoted = [] -%}
{%- for column in adapter.get_columns_in_relation(relation) -%}
  {%- if (column.name | lower) not in kept and (column.name | lower) not in dropped -%}{%- do unpivoted.append(column) -%}{%- endif -%}
{%- endfor -%}
{%- for column in unpivoted %}
select
  {%- for kept_column in (exclude or []) %}
  {{ adapter.quote(kept_column) if quote_identifiers else kept_column }},
  {%- endfor %}
  cast('{{ column.name }}' as {{ dbt.type_string() }}) as {{ adapter.quote(field_name) if quote_identifiers else field_name }},
  cast({{ adapter.quote(column.name) }} as {{ cast_to }}) as {{ adapter.quote(value_name) if quote_identifiers else value_name }}
from {{ relation }}
{% if not loop.last %}union all{% endif %}
{%- endfor -%}
{%- endmacro %}

{#- The query's result as a dict of column name to its values. -#}
{% macro get_query_results_as_dict(query) -%}
{%- set results = {} -%}
{%- if execute -%}
  {%- set table = run_query(query) -%}
  {%- for column in table.columns -%}{%- do results.put(column.name, column.values()) -%}{%- endfor -%}
{%- endif -%}
{{ return(results) }}
{%- endmacro %}
