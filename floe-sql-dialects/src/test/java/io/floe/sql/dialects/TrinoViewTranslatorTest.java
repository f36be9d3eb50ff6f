package io.floe.sql.dialects;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.sql.ViewDialectTranslator;
import io.floe.core.sql.ViewDialectTranslator.Translation;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class TrinoViewTranslatorTest {
  private final TrinoViewTranslator translator = new TrinoViewTranslator();

  private String trino(String spark) {
    Translation translation = translator.translate(spark, "floe", List.of("bronze"));
    assertThat(translation.sql()).as(translation.reason()).isPresent();
    return translation.sql().get();
  }

  @Test
  void ecommerceBronzeViewIsQualifiedAndQuotedForTrino() {
    // examples/ecommerce/models/bronze/bronze_customer_events.sql as Floe renders it.
    assertThat(trino("select event_id, lower(event_type) as event_type, event_timestamp,\n"
        + "       _ingested_at as ingested_at, 'csv:customer_events' as source_system\n"
        + "from floe.raw.customer_events"))
        .isEqualTo("SELECT \"event_id\", LOWER(\"event_type\") AS \"event_type\", \"event_timestamp\", "
            + "\"_ingested_at\" AS \"ingested_at\", 'csv:customer_events' AS \"source_system\" "
            + "FROM \"floe\".\"raw\".\"customer_events\"");
  }

  @Test
  void castsDateTruncAndBackticksBecomeTrinos() {
    assertThat(trino("select date_trunc('day', `event timestamp`) as day, cast(amount as string) as amount_text,"
        + " cast(qty as long) as qty, nvl(currency, 'EUR') as currency from raw.payments"))
        .isEqualTo("SELECT DATE_TRUNC('day', \"event timestamp\") AS \"day\", CAST(\"amount\" AS VARCHAR) AS "
            + "\"amount_text\", CAST(\"qty\" AS BIGINT) AS \"qty\", COALESCE(\"currency\", 'EUR') AS \"currency\" "
            + "FROM \"floe\".\"raw\".\"payments\"");
  }

  @Test
  void unqualifiedTablesTakeTheViewsNamespaceButCteNamesStay() {
    assertThat(trino("with recent as (select * from orders where id in (select id from silver.keep)) "
        + "select count(*) as n from recent"))
        .isEqualTo("WITH \"recent\" AS (SELECT * FROM \"floe\".\"bronze\".\"orders\" WHERE \"id\" IN "
            + "(SELECT \"id\" FROM \"floe\".\"silver\".\"keep\")) SELECT COUNT(*) AS \"n\" FROM \"recent\"");
  }

  @Test
  void sparkOnlyFunctionsAndSyntaxAreNotTranslated() {
    assertThat(translator.translate("select from_json(payload, 'a int') as p from raw.events", "floe",
        List.of("bronze"))).isEqualTo(Translation.impossible("function from_json has no known Trino equivalent"));
    assertThat(translator.translate("select * from raw.events lateral view explode(items) t as item", "floe",
        List.of("bronze")).reason()).startsWith("Calcite cannot parse it as SQL: ");
  }

  @Test
  void isFoundByServiceLoader() {
    assertThat(ServiceLoader.load(ViewDialectTranslator.class).stream().map(p -> p.get().dialect()))
        .containsExactly("trino");
  }
}
