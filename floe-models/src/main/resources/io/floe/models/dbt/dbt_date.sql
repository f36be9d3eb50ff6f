{#- dbt_date's date helpers and date dimension, written for Spark SQL. Shipped with Floe: callable
    as dbt_date.name() with no `dbt deps`. Weeks start on Sunday, ISO weeks on Monday, as dbt_date's. -#}

{% macro today(tz=none) %}current_date(){% endmacro %}
{% macro tomorrow(date=none, tz=none) %}date_add({{ date if date else 'current_date()' }}, 1){% endmacro %}
{% macro yesterday(date=none, tz=none) %}date_sub({{ date if date else 'current_date()' }}, 1){% endmacro %}
{% macro now(tz=none) %}current_timestamp(){% endmacro %}
{% macro n_days_ago(n, date=none, tz=none) %}date_sub({{ date if date else 'current_date()' }}, {{ n }}){% endmacro %}
{% macro n_days_away(n, date=none, tz=none) %}date_add({{ date if date else 'current_date()' }}, {{ n }}){% endmacro %}
{% macro n_weeks_ago(n, tz=none) %}date_trunc('week', date_sub(current_date(), {{ n }} * 7)){% endmacro %}
{% macro n_months_ago(n, tz=none) %}date_trunc('month', add_months(current_date(), -{{ n }})){% endmacro %}
{% macro date_part(datepart, date) %}extract({{ datepart }} from {{ date }}){% endmacro %}

{#- Sunday 1 ... Saturday 7; with isoweek (the default) Monday 1 ... Sunday 7. -#}
{% macro day_of_week(date, isoweek=true) -%}
{%- if isoweek -%}(weekday({{ date }}) + 1){%- else -%}dayofweek({{ date }}){%- endif -%}
{%- endmacro %}
{% macro day_name(date, short=true) %}date_format({{ date }}, '{{ 'EEE' if short else 'EEEE' }}'){% endmacro %}
{% macro day_of_month(date) %}dayofmonth({{ date }}){% endmacro %}
{% macro day_of_year(date) %}dayofyear({{ date }}){% endmacro %}
{% macro month_name(date, short=true) %}date_format({{ date }}, '{{ 'MMM' if short else 'MMMM' }}'){% endmacro %}
{% macro week_start(date, tz=none) %}date_sub(cast({{ date }} as date), dayofweek({{ date }}) - 1){% endmacro %}
{% macro week_end(date, tz=none) %}date_add({{ dbt_date.week_start(date) }}, 6){% endmacro %}
{% macro iso_week_start(date, tz=none) %}cast(date_trunc('week', {{ date }}) as date){% endmacro %}
{% macro iso_week_end(date, tz=none) %}date_add({{ dbt_date.iso_week_start(date) }}, 6){% endmacro %}
{#- Weeks starting on Sunday, the days before the year's first Sunday in week 0 (strftime's %U). -#}
{% macro week_of_year(date, tz=none) %}cast(floor((dayofyear({{ date }}) + 6 - (dayofweek({{ date }}) - 1)) / 7) as int){% endmacro %}
{% macro iso_week_of_year(date, tz=none) %}weekofyear({{ date }}){% endmacro %}
{% macro convert_timezone(column, target_tz=none, source_tz=none) -%}
from_utc_timestamp(to_utc_timestamp({{ column }}, '{{ source_tz or 'UTC' }}'), '{{ target_tz or 'UTC' }}')
{%- endmacro %}
{% macro from_unixtimestamp(epochs, format='seconds') -%}
{%- if format == 'milliseconds' -%}timestamp_millis({{ epochs }}){%- elif format == 'microseconds' -%}timestamp_micros({{ epochs }}){%- else -%}timestamp_seconds({{ epochs }}){%- endif -%}
{%- endmacro %}
{% macro to_unixtimestamp(timestamp) %}unix_timestamp({{ timestamp }}){% endmacro %}

{#- A date_<datepart> timestamp column from start_date (included) to end_date (excluded), given as
    'YYYY-MM-DD'; or the last n_dateparts up to today. -#}
{% macro get_base_dates(start_date=none, end_date=none, n_dateparts=none, datepart='day') -%}
{%- if start_date and end_date -%}
  {%- set start = "cast('" ~ start_date ~ "' as timestamp)" -%}
  {%- set end = "cast('" ~ end_date ~ "' as timestamp)" -%}
{%- elif n_dateparts and datepart -%}
  {%- set start = dbt.dateadd(datepart, -1 * n_dateparts, 'current_date()') -%}
  {%- set end = 'date_add(current_date(), 1)' -%}
{%- else -%}
  {{ exceptions.raise_compiler_error("dbt_date.get_base_dates: either start_date and end_date, or n_dateparts and datepart, must be given") }}
{%- endif -%}
select cast(date_{{ datepart }} as timestamp) as date_{{ datepart }}
from ({{ dbt.date_spine(datepart, start, end) }})
{%- endmacro %}

{#- dbt_date's date dimension: one row per day from start_date (included) to end_date (excluded). -#}
{% macro get_date_dimension(start_date, end_date) -%}
with base_dates as (
    {{ dbt_date.get_base_dates(start_date, end_date) }}
),
dates_with_prior_year_dates as (
    select
        cast(date_day as date) as date_day,
        cast(add_months(date_day, -12) as date) as prior_year_date_day,
        date_sub(cast(date_day as date), 364) as prior_year_over_year_date_day
    from base_dates
)
select
    d.date_day,
    date_sub(d.date_day, 1) as prior_date_day,
    date_add(d.date_day, 1) as next_date_day,
    d.prior_year_date_day,
    d.prior_year_over_year_date_day,
    {{ dbt_date.day_of_week('d.date_day', isoweek=false) }} as day_of_week,
    {{ dbt_date.day_of_week('d.date_day', isoweek=true) }} as day_of_week_iso,
    {{ dbt_date.day_name('d.date_day', short=false) }} as day_of_week_name,
    {{ dbt_date.day_name('d.date_day', short=true) }} as day_of_week_name_short,
    {{ dbt_date.day_of_month('d.date_day') }} as day_of_month,
    {{ dbt_date.day_of_year('d.date_day') }} as day_of_year,
    {{ dbt_date.week_start('d.date_day') }} as week_start_date,
    {{ dbt_date.week_end('d.date_day') }} as week_end_date,
    {{ dbt_date.week_start('d.prior_year_over_year_date_day') }} as prior_year_week_start_date,
    {{ dbt_date.week_end('d.prior_year_over_year_date_day') }} as prior_year_week_end_date,
    {{ dbt_date.week_of_year('d.date_day') }} as week_of_year,
    {{ dbt_date.iso_week_start('d.date_day') }} as iso_week_start_date,
    {{ dbt_date.iso_week_end('d.date_day') }} as iso_week_end_date,
    {{ dbt_date.iso_week_start('d.prior_year_over_year_date_day') }} as prior_year_iso_week_start_date,
    {{ dbt_date.iso_week_end('d.prior_year_over_year_date_day') }} as prior_year_iso_week_end_date,
    {{ dbt_date.iso_week_of_year('d.date_day') }} as iso_week_of_year,
    {{ dbt_date.week_of_year('d.prior_year_over_year_date_day') }} as prior_year_week_of_year,
    {{ dbt_date.iso_week_of_year('d.prior_year_over_year_date_day') }} as prior_year_iso_week_of_year,
    month(d.date_day) as month_of_year,
    {{ dbt_date.month_name('d.date_day', short=false) }} as month_name,
    {{ dbt_date.month_name('d.date_day', short=true) }} as month_name_short,
    cast(date_trunc('month', d.date_day) as date) as month_start_date,
    last_day(d.date_day) as month_end_date,
    cast(date_trunc('month', d.prior_year_date_day) as date) as prior_year_month_start_date,
    last_day(d.prior_year_date_day) as prior_year_month_end_date,
    quarter(d.date_day) as quarter_of_year,
    cast(date_trunc('quarter', d.date_day) as date) as quarter_start_date,
    {{ dbt.last_day('d.date_day', 'quarter') }} as quarter_end_date,
    year(d.date_day) as year_number,
    cast(date_trunc('year', d.date_day) as date) as year_start_date,
    {{ dbt.last_day('d.date_day', 'year') }} as year_end_date
from dates_with_prior_year_dates d
order by 1
{%- endmacro %}
