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
  void digestsOfTextHashItsUtf8BytesAndGiveLowerCaseHexAsSparksDo() {
    // A Data Vault staging view as floe-vault generates it (examples/meter, stg_customers).
    assertThat(trino("WITH source_rows AS (SELECT * FROM bronze.customers) SELECT *,"
        + " UPPER(MD5(NULLIF(UPPER(TRIM(CAST(installation_id AS STRING))), ''))) AS customer_hk,"
        + " CAST(last_modified AS TIMESTAMP) AS load_ts FROM source_rows"))
        .isEqualTo("WITH \"source_rows\" AS (SELECT * FROM \"floe\".\"bronze\".\"customers\") SELECT *, "
            + "UPPER(LOWER(TO_HEX(MD5(TO_UTF8(NULLIF(UPPER(TRIM(CAST(\"installation_id\" AS VARCHAR))), '')))))) AS "
            + "\"customer_hk\", CAST(\"last_modified\" AS TIMESTAMP) AS \"load_ts\" FROM \"source_rows\"");
    assertThat(trino("select sha1(k) as a, sha2(k, 256) as b, sha2(k, 0) as c, sha2(k, 512) as d,"
        + " md5(cast(k as binary)) as e from t"))
        .isEqualTo("SELECT LOWER(TO_HEX(SHA1(TO_UTF8(\"k\")))) AS \"a\", LOWER(TO_HEX(SHA256(TO_UTF8(\"k\")))) AS \"b\", "
            + "LOWER(TO_HEX(SHA256(TO_UTF8(\"k\")))) AS \"c\", LOWER(TO_HEX(SHA512(TO_UTF8(\"k\")))) AS \"d\", "
            + "LOWER(TO_HEX(MD5(CAST(\"k\" AS VARBINARY)))) AS \"e\" FROM \"floe\".\"bronze\".\"t\"");
    // A key of two columns (stg_customer_accounts): Trino's concat_ws skips NULLs as Spark's does.
    assertThat(trino("SELECT UPPER(MD5(NULLIF(CONCAT_WS('||', COALESCE(NULLIF(UPPER(TRIM(CAST(installation_id AS"
        + " STRING))), ''), '^^'), COALESCE(NULLIF(UPPER(TRIM(CAST(account_id AS STRING))), ''), '^^')), '^^||^^')))"
        + " AS customer_account_hk FROM bronze.customer_accounts"))
        .startsWith("SELECT UPPER(LOWER(TO_HEX(MD5(TO_UTF8(NULLIF(\"CONCAT_WS\"('||', COALESCE(NULLIF(UPPER(TRIM(CAST(");
    // Trino has no SHA-224 or SHA-384.
    assertThat(translator.translate("select sha2(k, 384) as h from t", "floe", List.of("bronze")))
        .isEqualTo(Translation.impossible("function sha2 has no known Trino equivalent"));
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
