package io.floe.vault.hash;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import io.floe.spark.FloeEngine;
import io.floe.vault.VaultProjects;
import io.floe.vault.hash.HashSql.Dialect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hashing specification is one function: the Java function, the SQL Spark evaluates and the
 * SQL DuckDB evaluates give the same hash for the same values, AutomateDV's hash.
 */
class VaultHashTest {
  // Values as the engines see them after the cast to string; null is SQL NULL.
  private static final List<List<String>> CASES = List.of(
      Arrays.asList("abc", "x"), Arrays.asList(" abc  ", "X"), Arrays.asList("ABC", " x"),
      Arrays.asList(null, "x"), Arrays.asList("abc", null), Arrays.asList(null, null), Arrays.asList("", "  "),
      Arrays.asList("INST00000001", "ACC-7"), Arrays.asList("müller", "é"), Arrays.asList("a||b", "^^"),
      Arrays.asList("12345", "2024-01-01 00:15:00"));

  @TempDir Path dir;

  @Test
  void aKnownValueHashesAsAutomateDvDoes() {
    // AutomateDV on Spark: UPPER(MD5(NULLIF(UPPER(TRIM(CAST(col AS STRING))), ''))).
    assertThat(VaultHash.key(HashAlgorithm.MD5, List.of(" abc "))).isEqualTo("902FBDD2B1DF0C4F70B4A5D23525E932");
    assertThat(VaultHash.key(HashAlgorithm.MD5, List.of("1001", "ACC1")))
        .isEqualTo(VaultHash.key(HashAlgorithm.MD5, List.of("1001||ACC1")));
    assertThat(VaultHash.key(HashAlgorithm.MD5, Arrays.asList(null, " "))).isNull();
    assertThat(VaultHash.key(HashAlgorithm.MD5, Arrays.asList(null, "b")))
        .isEqualTo(VaultHash.key(HashAlgorithm.MD5, List.of("^^||B")));
    Map<String, String> diff = new LinkedHashMap<>();
    diff.put("status", "active");
    diff.put("city", null);
    assertThat(VaultHash.diff(HashAlgorithm.MD5, diff)).isEqualTo(VaultHash.key(HashAlgorithm.MD5, List.of("^^||ACTIVE")));
    assertThat(VaultHash.key(HashAlgorithm.SHA256, List.of("abc"))).hasSize(64).isUpperCase();
  }

  @Test
  void javaSparkAndDuckDbAgreeOnEveryAlgorithm() throws Exception {
    VaultProjects.create(dir);
    String values = CASES.stream().map(row -> "(" + row.stream().map(v -> v == null ? "CAST(NULL AS STRING)"
        : "'" + v + "'").collect(Collectors.joining(", ")) + ")").collect(Collectors.joining(", "));
    try (FloeEngine engine = FloeEngine.open(Project.load(dir));
        Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement duck = duckdb.createStatement()) {
      for (HashAlgorithm algorithm : HashAlgorithm.values()) {
        List<String> expected = new ArrayList<>();
        for (List<String> row : CASES) {
          Map<String, String> diff = new LinkedHashMap<>();
          diff.put("b", row.get(1));
          diff.put("a", row.get(0));
          expected.add(VaultHash.key(algorithm, row) + "|" + VaultHash.key(algorithm, row.subList(0, 1)) + "|"
              + VaultHash.diff(algorithm, diff));
        }
        String spark = select(Dialect.SPARK, algorithm) + " FROM VALUES " + values + " AS t(a, b)";
        List<String> fromSpark = new ArrayList<>();
        for (List<Object> row : engine.sql(spark + "", 100).rows()) {
          fromSpark.add(row.get(0) + "|" + row.get(1) + "|" + row.get(2));
        }
        assertThat(fromSpark).as("Spark, %s", algorithm).containsExactlyElementsOf(expected);

        List<String> fromDuck = new ArrayList<>();
        try (ResultSet rows = duck.executeQuery(select(Dialect.DUCKDB, algorithm).replace("STRING", "VARCHAR")
            + " FROM (VALUES " + values.replace("STRING", "VARCHAR") + ") AS t(a, b)")) {
          while (rows.next()) {
            fromDuck.add(rows.getString(1) + "|" + rows.getString(2) + "|" + rows.getString(3));
          }
        }
        assertThat(fromDuck).as("DuckDB, %s", algorithm).containsExactlyElementsOf(expected);
      }
    }
  }

  private static String select(Dialect dialect, HashAlgorithm algorithm) {
    return "SELECT " + HashSql.key(dialect, algorithm, List.of("a", "b")) + ", "
        + HashSql.key(dialect, algorithm, List.of("a")) + ", " + HashSql.diff(dialect, algorithm, List.of("b", "a"));
  }
}
