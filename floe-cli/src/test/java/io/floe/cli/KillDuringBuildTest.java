package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds that heal: {@code floe build} in its own JVM is SIGKILLed at a random moment of a random
 * phase (starting, ingest, each model, tests, publish), round after round from the project's first
 * build on; after each kill the next build finishes, its tables equal those of a twin project that
 * was never killed, and no run branch or staging file is left. Two of its views have tests, so a kill
 * after "Published" can land between the tables' publish and the views' property updates. The seed is
 * printed on failure; {@code -Dfloe.test.seed=N} replays one.
 */
class KillDuringBuildTest {
  private static final int ROUNDS = 4;
  /** Lines a verbose build prints as it goes; a kill lands after one of them, or before the first. */
  private static final List<String> PHASES = List.of("", "Engine ready", "Source orders:", "Model orders_clean",
      "Model customer_totals", "Published");
  private static final List<String> TABLES = List.of(
      "SELECT id, customer, amount FROM raw.orders ORDER BY id",
      "SELECT id, customer, amount FROM silver.orders_clean ORDER BY id",
      "SELECT customer, total, orders FROM gold.customer_totals ORDER BY customer",
      "SELECT id, amount FROM gold.big_orders ORDER BY id",
      "SELECT id, customer FROM silver.orders_seen ORDER BY id");

  @TempDir Path killed;
  @TempDir Path reference;

  @Test
  void eachBuildAfterAKillConvergesToTheNeverKilledResult() throws Exception {
    long seed = Long.getLong("floe.test.seed", System.nanoTime());
    Random random = new Random(seed);
    layout(killed);
    layout(reference);
    List<String> kills = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      land(killed, round);
      land(reference, round);
      String phase = PHASES.get(random.nextInt(PHASES.size()));
      int delayMillis = random.nextInt(phase.isEmpty() ? 6000 : 700);
      kills.add("round " + round + ": " + killAt(phase, delayMillis));
      String what = "seed " + seed + ", kills so far: " + kills;

      floe(killed, "build").ok();
      floe(reference, "build").ok();

      for (String query : TABLES) {
        assertThat(floe(killed, "sql", "-o", "csv", query).ok()).as(query + "; " + what)
            .isEqualTo(floe(reference, "sql", "-o", "csv", query).ok());
      }
      for (String table : List.of("raw.orders", "silver.orders_clean", "gold.customer_totals")) {
        assertThat(floe(killed, "sql", "-o", "csv", "SELECT count(*) FROM " + table
            + ".refs WHERE name LIKE 'floe_%'").ok()).as("branches left on " + table + "; " + what).endsWith("0\n");
      }
      Path staging = killed.resolve(".floe/staging");
      assertThat(!Files.exists(staging) || isEmpty(staging)).as("staging files left; " + what).isTrue();
    }
    assertThat(floe(killed, "runs", "-o", "csv").ok().lines().skip(1).filter(line -> line.contains(",build,success,")))
        .as("one successful build per round after the kills").hasSizeGreaterThanOrEqualTo(ROUNDS);
  }

  /** Starts a verbose build and SIGKILLs it {@code delayMillis} after it prints a line holding {@code phase}. */
  private String killAt(String phase, int delayMillis) throws IOException, InterruptedException {
    Process process = FloeProcess.start(killed, false, "-v", "build");
    try (BufferedReader err = new BufferedReader(
        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line = "";
      while (!phase.isEmpty() && line != null && !line.contains(phase)) {
        line = err.readLine();
      }
      Thread.sleep(delayMillis);
      process.destroyForcibly();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
    }
    boolean wasKilled = process.exitValue() == 137;
    return (phase.isEmpty() ? "at start" : "after '" + phase + "'") + " + " + delayMillis + " ms"
        + (wasKilled ? "" : " (finished first, exit " + process.exitValue() + ")");
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  private static void layout(Path project) throws IOException {
    Files.createDirectories(project.resolve("landing"));
    Files.createDirectories(project.resolve("models/silver"));
    Files.createDirectories(project.resolve("models/gold"));
    Files.writeString(project.resolve("floe.yaml"), """
        name: healing
        engine: {master: "local[2]"}
        namespaces: [raw, silver, gold]
        sources:
          orders:
            type: csv
            path: landing/orders_*.csv
            target: raw.orders
        """);
    Files.writeString(project.resolve("models/silver/orders_clean.sql"), """
        {{ config(materialized='incremental', unique_key='id') }}
        select id, customer, cast(amount as decimal(10,2)) as amount from {{ source('raw', 'orders') }}
        {% if is_incremental() %} where id > (select coalesce(max(id), 0) from {{ this }}) {% endif %}
        """);
    Files.writeString(project.resolve("models/gold/customer_totals.sql"), """
        {{ config(materialized='table') }}
        select customer, sum(amount) as total, count(*) as orders from {{ ref('orders_clean') }} group by customer
        """);
    Files.writeString(project.resolve("models/gold/big_orders.sql"), """
        select id, amount from {{ ref('orders_clean') }} where amount > 10
        """);
    // Views with tests: each build that finds their tables grown runs them and, after the tables' publish,
    // moves only their properties (fingerprint; for a view over the source alone, what its tests saw).
    Files.writeString(project.resolve("models/silver/orders_seen.sql"), """
        select id, customer from {{ source('raw', 'orders') }} where id > 0
        """);
    Files.writeString(project.resolve("models/gold/schema.yml"), """
        models:
          - name: customer_totals
            columns:
              - name: customer
                tests: [not_null, unique]
          - name: big_orders
            columns:
              - name: id
                tests: [not_null, unique]
          - name: orders_seen
            columns:
              - name: id
                tests: [not_null, unique]
        """);
  }

  /** Round {@code round}'s file: ten new orders. */
  private static void land(Path project, int round) throws IOException {
    StringBuilder csv = new StringBuilder("id,customer,amount\n");
    for (int i = 0; i < 10; i++) {
      int id = round * 10 + i + 1;
      csv.append(id).append(',').append(id % 4).append(',').append(id * 1.25).append('\n');
    }
    Files.writeString(project.resolve(String.format("landing/orders_%02d.csv", round)), csv);
  }
}
