package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An incremental model's first build also compiles the query its next, incremental, run will have (the
 * watermark as a parameter), so that run reuses it instead of Spark compiling it, and reads exactly the
 * rows that arrived since: a merged model reading a table of the same run (compiled before the publish),
 * an appended one reading a view without tests (after it).
 */
class CompiledAheadTest {
  // What DuckDbExecutor logs when it runs a query compiled before instead of having Spark analyze it.
  private static final String REUSED = "compiled in an earlier run; Spark does not analyze it again";

  @TempDir Path project;

  private static final String EXECUTOR = "io.floe.duckdb.DuckDbExecutor";

  // What the executor logs (at debug, which the CLI does not print), kept for the test to read.
  private final Captured log = new Captured();

  private static final class Captured extends AbstractAppender {
    private final List<String> messages = new CopyOnWriteArrayList<>();

    Captured() {
      super("captured", null, null, true, Property.EMPTY_ARRAY);
    }

    @Override
    public void append(LogEvent event) {
      messages.add(event.getMessage().getFormattedMessage());
    }
  }

  @BeforeEach
  void listen() {
    LoggerContext context = LoggerContext.getContext(false);
    log.start();
    LoggerConfig executor = new LoggerConfig(EXECUTOR, Level.DEBUG, false);
    executor.addAppender(log, Level.DEBUG, null);
    context.getConfiguration().addLogger(EXECUTOR, executor);
    context.updateLoggers();
  }

  @AfterEach
  void stopListening() {
    LoggerContext context = LoggerContext.getContext(false);
    context.getConfiguration().removeLogger(EXECUTOR);
    context.updateLoggers();
    log.stop();
  }

  @Test
  void theFirstIncrementalRunReusesTheQueryTheFirstBuildCompiledAndReadsOnlyTheNewRows() throws IOException {
    layout();
    Files.writeString(project.resolve("landing/orders_1.csv"), """
        id,customer,amount,ordered_at
        1,a,10.00,2024-01-01T08:12:31.250
        2,b,20.00,2024-01-02T09:47:02.500
        """);
    floe(project, "build").ok();
    log.messages.clear();

    Files.writeString(project.resolve("landing/orders_2.csv"), """
        id,customer,amount,ordered_at
        2,b,25.00,2024-01-03T10:05:13.125
        3,c,30.00,2024-01-04T11:31:44.750
        """);
    floe(project, "build").ok();

    assertThat(reused()).as("the incremental queries the first build compiled, reused by the second")
        .contains("merge into silver.orders", "table silver.order_log");
    assertThat(floe(project, "sql", "-o", "csv", "SELECT id, customer, amount FROM silver.orders ORDER BY id").ok())
        .isEqualTo("id,customer,amount\n1,a,10.00\n2,b,25.00\n3,c,30.00\n");
    assertThat(floe(project, "sql", "-o", "csv", "SELECT id, amount FROM silver.order_log ORDER BY id, amount").ok())
        .isEqualTo("id,amount\n1,10.00\n2,20.00\n2,25.00\n3,30.00\n");
  }

  private List<String> reused() {
    return log.messages.stream().filter(message -> message.endsWith(REUSED))
        .map(message -> message.substring(0, message.length() - REUSED.length() - 2)).toList();
  }

  private void layout() throws IOException {
    Files.createDirectories(project.resolve("landing"));
    Files.createDirectories(project.resolve("models/silver"));
    Files.writeString(project.resolve("floe.yaml"), """
        name: ahead
        engine: {master: "local[2]", local-sql: duckdb}
        namespaces: [raw, silver]
        sources:
          orders:
            type: csv
            path: landing/orders_*.csv
            target: raw.orders
            schema: {id: int, customer: string, amount: "decimal(10,2)", ordered_at: timestamp}
        """);
    // A table of the run: the merged model reads it at the run's branch, as its next run will.
    Files.writeString(project.resolve("models/silver/landed.sql"), """
        {{ config(materialized='incremental', incremental_strategy='append') }}
        select id, customer, amount, ordered_at from {{ source('raw', 'orders') }}
        {% if is_incremental() %} where ordered_at > {{ max_of(this, 'ordered_at') }} {% endif %}
        """);
    Files.writeString(project.resolve("models/silver/orders.sql"), """
        {{ config(materialized='incremental', unique_key='id') }}
        select id, customer, amount, ordered_at from {{ ref('landed') }}
        {% if is_incremental() %} where ordered_at > {{ max_of(this, 'ordered_at') }} {% endif %}
        """);
    // A view without tests: the appended model's next run reads it as published, at main.
    Files.writeString(project.resolve("models/silver/stg_orders.sql"), """
        {{ config(materialized='view') }}
        select id, amount, ordered_at from {{ source('raw', 'orders') }}
        """);
    Files.writeString(project.resolve("models/silver/order_log.sql"), """
        {{ config(materialized='incremental', incremental_strategy='append') }}
        select id, amount, ordered_at from {{ ref('stg_orders') }}
        {% if is_incremental() %} where ordered_at > {{ max_of(this, 'ordered_at') }} {% endif %}
        """);
  }
}
