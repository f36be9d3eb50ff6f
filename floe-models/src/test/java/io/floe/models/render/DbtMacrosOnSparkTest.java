package io.floe.models.render;

import static io.floe.models.project.TestProjects.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import io.floe.models.project.ModelProject;
import io.floe.models.project.TestProjects;
import io.floe.models.run.ModelRunner;
import io.floe.models.run.RunReport;
import io.floe.spark.FloeEngine;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped dbt, dbt_utils and dbt_date macros run on Spark and give the results dbt documents. */
class DbtMacrosOnSparkTest {
  @TempDir Path dir;

  @Test
  void macrosGiveDbtsResults() {
    TestProjects.create(dir);
    write(dir, "models/silver/customer_keys.sql", """
        {{ config(materialized='table') }}
        select id, {{ dbt_utils.generate_surrogate_key(['name', 'region']) }} as customer_key,
          md5('ann-_dbt_utils_surrogate_key_null_') as expected_for_ann
        from {{ source('bronze', 'customers') }}
        """);
    write(dir, "models/silver/customers_slim.sql", """
        {{ config(materialized='table') }}
        select {{ dbt_utils.star(from=source('bronze', 'customers'), except=['EMAIL'], relation_alias='c') }}
        from {{ source('bronze', 'customers') }} c
        """);
    write(dir, "models/silver/orders_all.sql", """
        {{ config(materialized='table') }}
        {{ dbt_utils.union_relations(relations=[source('bronze', 'orders_2023'), source('bronze', 'orders_2024')]) }}
        """);
    write(dir, "models/silver/days.sql", """
        {{ dbt_utils.date_spine('day', "cast('2024-01-01' as date)", "cast('2024-03-01' as date)") }}
        """);
    write(dir, "models/silver/date_math.sql", """
        select
          {{ dbt.datediff("date'2024-01-31'", "date'2024-02-01'", 'month') }} as months_crossed,
          {{ dbt.datediff("timestamp'2024-01-01 23:00:00'", "timestamp'2024-01-02 01:00:00'", 'day') }} as days_crossed,
          {{ dbt.datediff("date'2024-03-01'", "date'2024-01-01'", 'day') }} as days_back,
          cast({{ dbt.dateadd('day', 3, "date'2024-02-27'") }} as date) as three_days_later,
          {{ dbt.last_day("date'2024-02-10'", 'month') }} as end_of_february,
          {{ dbt.split_part("'a,b,c'", "','", 2) }} as second_part,
          {{ dbt.safe_cast("'x'", dbt.type_int()) }} as not_a_number,
          {{ dbt_utils.safe_divide(1, 0) }} as divided_by_zero,
          {{ dbt.position("'b'", "'abc'") }} as b_at,
          {{ dbt.right("'abc'", 2) }} as last_two,
          {{ dbt.cast_bool_to_text('1 = 1') }} as true_text,
          {{ dbt.concat(["'a'", "'-'", "'b'"]) }} as joined,
          '{{ dbt.escape_single_quotes("it's") }}' as quoted
        """);
    // A view: it is rendered again when published, with run_query still at work.
    write(dir, "models/silver/channels.sql", """
        {% set channels = dbt_utils.get_column_values(source('bronze', 'orders_2024'), 'channel', order_by='channel') %}
        select {{ dbt_utils.pivot('channel', channels) }},
          {{ dbt.listagg('cast(id as string)', "'|'", 'order by id desc') }} as ids
        from {{ source('bronze', 'orders_2024') }}
        """);
    write(dir, "models/silver/latest_orders.sql", """
        {{ config(materialized='table') }}
        {{ dbt_utils.deduplicate(source('bronze', 'orders_2024'), 'id', 'amount desc') }}
        """);
    write(dir, "models/gold/calendar.sql", """
        {{ config(materialized='table') }}
        {{ dbt_date.get_date_dimension('2024-01-01', '2024-01-08') }}
        """);
    write(dir, "models/silver/customer_fields.sql", """
        {{ config(materialized='table') }}
        {{ dbt_utils.unpivot(source('bronze', 'customers'), exclude=['id'], remove=['email']) }}
        """);
    write(dir, "models/silver/introspection.sql", """
        {% set found = adapter.get_relation(database=target.database, schema='bronze', identifier='customers') %}
        {% set missing = adapter.load_relation('bronze.no_such_table') %}
        {% set counts = dbt_utils.get_query_results_as_dict('select region, count(*) as n from bronze.customers'
            ~ ' group by region order by region') %}
        select {{ execute and found is not none and found.identifier == 'customers' }} as found,
          {{ missing is none }} as missing_is_none,
          {{ dbt_utils.get_single_value('select count(*) from bronze.customers', default=-1) }} as customers,
          '{{ counts['n'] | join(',') if execute else '' }}' as counts
        """);
    ModelProject models = ModelProject.load(Project.load(dir));
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.customers (id BIGINT, email STRING, name STRING, region STRING)", 0);
      engine.sql("INSERT INTO bronze.customers VALUES (1, 'a@x', 'ann', NULL), (2, 'b@x', 'bob', 'eu')", 0);
      engine.sql("CREATE TABLE bronze.orders_2023 (id BIGINT, amount DECIMAL(10,2))", 0);
      engine.sql("INSERT INTO bronze.orders_2023 VALUES (10, 5.00)", 0);
      engine.sql("CREATE TABLE bronze.orders_2024 (id BIGINT, AMOUNT DECIMAL(10,2), channel STRING)", 0);
      engine.sql("INSERT INTO bronze.orders_2024 VALUES (20, 7.00, 'web'), (21, 8.00, 'shop'), (21, 9.00, 'web')", 0);

      RunReport report = new ModelRunner(engine, models).run(models.models().keySet(), false);
      assertThat(report.models()).allSatisfy(result -> assertThat(result.ok()).as(result.message()).isTrue());

      assertThat(rows(engine, "SELECT customer_key = expected_for_ann FROM silver.customer_keys WHERE id = 1"))
          .containsExactly("true");
      assertThat(rows(engine, "SELECT customer_key = md5('bob-eu') FROM silver.customer_keys WHERE id = 2"))
          .containsExactly("true");
      assertThat(engine.sql("SELECT * FROM silver.customers_slim", 0).columns()).containsExactly("id", "name", "region");
      assertThat(engine.sql("SELECT * FROM silver.orders_all", 0).columns())
          .containsExactly("_dbt_source_relation", "id", "amount", "channel");
      assertThat(rows(engine, "SELECT _dbt_source_relation, id, amount, channel FROM silver.orders_all ORDER BY id, amount"))
          .containsExactly("bronze.orders_2023|10|5.00|null", "bronze.orders_2024|20|7.00|web",
              "bronze.orders_2024|21|8.00|shop", "bronze.orders_2024|21|9.00|web");
      assertThat(rows(engine, "SELECT count(*), min(date_day), max(date_day) FROM silver.days"))
          .containsExactly("60|2024-01-01T00:00:00Z|2024-02-29T00:00:00Z".replace("T00:00:00Z", ""))
          .as("60 days: January and a leap February, the end date excluded");
      assertThat(rows(engine, "SELECT * FROM silver.date_math"))
          .containsExactly("1|1|-60|2024-03-01|2024-02-29|b|null|null|2|bc|true|a-b|it's");
      assertThat(rows(engine, "SELECT shop, web, ids FROM silver.channels")).containsExactly("1|2|21|21|20");
      assertThat(rows(engine, "SELECT id, amount FROM silver.latest_orders ORDER BY id"))
          .containsExactly("20|7.00", "21|9.00");
      assertThat(rows(engine, "SELECT date_day, day_of_week, day_of_week_iso, day_of_week_name, week_start_date,"
          + " iso_week_start_date, month_end_date, quarter_end_date, year_number FROM gold.calendar"
          + " ORDER BY date_day LIMIT 1"))
          .containsExactly("2024-01-01|2|1|Monday|2023-12-31|2024-01-01|2024-01-31|2024-03-31|2024");
      assertThat(rows(engine, "SELECT count(*) FROM gold.calendar")).containsExactly("7");
      assertThat(rows(engine, "SELECT id, field_name, value FROM silver.customer_fields ORDER BY id, field_name"))
          .containsExactly("1|name|ann", "1|region|null", "2|name|bob", "2|region|eu");
      assertThat(rows(engine, "SELECT * FROM silver.introspection")).containsExactly("true|true|2|1,1");
    }
  }

  private static List<String> rows(FloeEngine engine, String sql) {
    List<String> rows = new ArrayList<>();
    for (List<Object> row : engine.sql(sql, 100).rows()) {
      rows.add(row.stream().map(DbtMacrosOnSparkTest::text).collect(Collectors.joining("|")));
    }
    return rows;
  }

  private static String text(Object value) {
    if (value instanceof java.time.Instant instant) {
      return LocalDate.ofInstant(instant, java.time.ZoneOffset.UTC).toString();
    }
    return String.valueOf(value);
  }
}
