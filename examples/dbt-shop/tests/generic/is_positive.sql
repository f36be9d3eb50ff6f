{% test is_positive(model, column_name) %}
-- A custom generic test: the rows whose value is zero or negative fail it.
select * from {{ model }} where {{ column_name }} <= 0
{% endtest %}
