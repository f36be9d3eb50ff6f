package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees when something is wrong: one line, the place, what to do, and exit code 1. */
class ErrorsCliTest {
  @TempDir Path project;

  @Test
  void unknownKeyNamesFileLineAndSuggestion() throws Exception {
    write("name: shop\ncatalog:\n  type: jdbc\n  warehous: data\n");
    CliRun run = floe(project, "tables");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).contains("floe.yaml:4").contains("catalog.warehous")
        .contains("Did you mean 'catalog.warehouse'?");
  }

  @Test
  void wrongTypeNamesFileLineAndValue() throws Exception {
    write("name: shop\nengine:\n  shuffle-partitions: four\n");
    CliRun run = floe(project, "tables");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).contains("floe.yaml:3").contains("engine.shuffle-partitions").contains("four");
  }

  @Test
  void missingSecretNamesTheReferenceButNoValue() throws Exception {
    write("name: shop\ncatalog:\n  type: jdbc\n  uri: jdbc:postgresql://127.0.0.1:1/floe\n"
        + "  user: floe\n  password: ${env:FLOE_TEST_UNSET_PASSWORD}\n");
    CliRun run = floe(project, "tables");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).contains("floe.yaml:6").contains("FLOE_TEST_UNSET_PASSWORD");
  }

  @Test
  void unreachableCatalogIsAnExternalErrorThatShowsNoSecret() throws Exception {
    // The driver echoes the URL it could not reach; the password in it comes from a file.
    Files.writeString(project.resolve("pw.txt"), "hunter2-very-secret\n");
    write("name: shop\ncatalog:\n  uri: jdbc:postgresql://127.0.0.1:1/floe?password=${file:pw.txt}\n"
        + "  user: floe\n  password: ${file:pw.txt}\n");
    CliRun run = floe(project, "tables");
    assertThat(run.exitCode()).as("external errors exit with 3").isEqualTo(3);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).startsWith("error: Cannot open catalog 'floe'").contains("****");
    CliRun verbose = floe(project, "-v", "tables");
    assertThat(verbose.out() + verbose.err()).doesNotContain("hunter2-very-secret");
  }

  @Test
  void aCatalogDatabaseThatIsDownIsOneLineNamingItsUri() throws Exception {
    write("name: shop\ncatalog:\n  type: jdbc\n  uri: jdbc:postgresql://127.0.0.1:1/lake\n  user: floe\n");
    CliRun run = floe(project, "tables");
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).startsWith("error: Cannot open catalog 'floe' at jdbc:postgresql://127.0.0.1:1/lake: ")
        .contains("refused")
        .endsWith("Check that the catalog database is running and reachable from this machine, and catalog.uri "
            + "in floe.yaml.\n");
  }

  @Test
  void aRestCatalogThatRefusesConnectionsIsOneLineNamingItsUri() throws Exception {
    write("name: shop\ncatalog:\n  type: rest\n  uri: http://127.0.0.1:1/iceberg\n");
    CliRun run = floe(project, "tables");
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).startsWith("error: Cannot open catalog 'floe' at http://127.0.0.1:1/iceberg: ")
        .contains("refused")
        .endsWith("Check that the catalog server is running and reachable from this machine, and catalog.uri "
            + "in floe.yaml.\n");
  }

  @Test
  void missingProjectSaysHowToCreateOne() {
    CliRun run = floe(project, "tables");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("floe init");
  }

  @Test
  void badSqlAndUnknownTablesAreOneLineUserErrors() throws Exception {
    floe("init", project.toString()).ok();
    CliRun badSql = floe(project, "sql", "SELEC 1");
    assertThat(badSql.exitCode()).isEqualTo(1);
    assertThat(badSql.err().strip().lines()).hasSize(1);
    assertThat(badSql.err()).startsWith("error: Cannot run SQL").doesNotContain("at org.apache");

    CliRun unknown = floe(project, "show", "bronze.nope");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err().strip()).isEqualTo(
        "error: Cannot find table 'bronze.nope' in catalog 'floe'. Run 'floe tables' to list the tables.");

    CliRun missingInSql = floe(project, "sql", "SELECT * FROM bronze.nope");
    assertThat(missingInSql.exitCode()).isEqualTo(1);
    assertThat(missingInSql.err()).contains("bronze").contains("nope");

    CliRun verbose = floe(project, "-v", "sql", "SELEC 1");
    assertThat(verbose.exitCode()).isEqualTo(1);
    assertThat(verbose.err()).contains("\tat ");
  }

  @Test
  void aRuntimeErrorInAQueryIsOneLineWithoutSparksLogs() throws Exception {
    floe("init", project.toString()).ok();
    Process process = FloeProcess.start(project, false, "sql", "SELECT 1 / 0 AS x");
    String err = new String(process.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

    assertThat(process.waitFor()).isEqualTo(1);
    assertThat(err.strip().lines()).as(err).hasSize(1);
    assertThat(err).startsWith("error: Cannot run SQL").contains("DIVIDE_BY_ZERO");
  }

  @Test
  void aCsvFileNamedParquetIsOneLineWithExitCodeOne() throws Exception {
    write("name: shop\nsources:\n  readings: {type: parquet, path: in/*.parquet}\n");
    Files.createDirectories(project.resolve("in"));
    Files.writeString(project.resolve("in/readings.parquet"), "id,value\n1,2\n");

    CliRun run = floe(project, "ingest");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
    assertThat(run.err()).startsWith("error: Cannot read ").contains("readings.parquet: it is not a Parquet file");
  }

  @Test
  void versionHelpAndUsageErrors() {
    assertThat(floe("--version").ok()).contains("floe ").contains("Spark 4.1").contains("Iceberg 1.11");
    assertThat(floe("--help").ok()).contains("sql").contains("snapshots").contains("rollback");
    assertThat(floe("branch", "--help").ok()).contains("create").contains("drop");
    CliRun typo = floe("sqll");
    assertThat(typo.exitCode()).isEqualTo(1);
  }

  private void write(String yaml) throws Exception {
    Files.writeString(project.resolve("floe.yaml"), yaml);
  }
}
