package io.floe.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.spark.table.RunLeftovers;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two projects write to one catalog; one of them recovers after a killed run of its own while the
 * other one's run is live: the recovery removes what its own runs left (and what the other project
 * abandoned days ago), and leaves the live run's branches and the table it is creating alone.
 */
class LeftoversTest {
  private static final String OURS = "0000000000aa";
  private static final String THEIRS = "0000000000bb";
  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss_SSS")
      .withZone(ZoneOffset.UTC);
  private static final Schema SCHEMA = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));

  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final Instant now = Instant.now();
  private final String ourKilledRun = RUN_ID.format(now.minusSeconds(600));
  private final String theirLiveRun = RUN_ID.format(now.minusSeconds(30));
  private final String theirAbandonedRun = RUN_ID.format(now.minus(Duration.ofDays(3)));

  @BeforeEach
  void createCatalog() {
    catalog.initialize("shared", Map.of());
    catalog.createNamespace(Namespace.of("bronze"));
    catalog.createNamespace(Namespace.of("silver"));
  }

  @Test
  void aRecoveryRemovesWhatItsOwnRunsLeftAndKeepsWhatAnotherProjectsLiveRunHolds() {
    Table shared = table("bronze.shared", null);
    shared.newAppend().appendFile(file(shared)).commit();
    long main = shared.currentSnapshot().snapshotId();
    String ourBatch = RunLeftovers.batchBranch(OURS, now.minusSeconds(600));
    String theirBatch = RunLeftovers.batchBranch(THEIRS, now.minusSeconds(5));
    shared.manageSnapshots().createBranch(ourBatch, main).createBranch(theirBatch, main)
        .createBranch("floe_run_" + ourKilledRun, main).createBranch("floe_run_" + theirLiveRun, main)
        .createBranch("floe_run_" + theirAbandonedRun, main).createTag("audited", main).commit();
    // Tables never published: one our killed run was creating, one the other project's live run is
    // creating, one each that a run created and then stopped before writing, and an empty table made
    // in another engine.
    onlyOnBranch(table("silver.ours_new", OURS), "floe_run_" + ourKilledRun);
    onlyOnBranch(table("silver.theirs_new", THEIRS), "floe_run_" + theirLiveRun);
    table("silver.ours_refless", OURS);
    table("silver.theirs_refless", THEIRS);
    table("silver.made_elsewhere", null);

    List<String> cleaned = Leftovers.remove(catalog, tables(), OURS, ourKilledRun::equals, now);

    assertThat(cleaned).containsExactlyInAnyOrder("bronze.shared", "silver.ours_new", "silver.ours_refless");
    shared.refresh();
    assertThat(shared.refs().keySet())
        .containsExactlyInAnyOrder("main", "audited", theirBatch, "floe_run_" + theirLiveRun);
    assertThat(tables()).extracting(TableIdentifier::toString)
        .containsExactlyInAnyOrder("bronze.shared", "silver.theirs_new", "silver.theirs_refless", "silver.made_elsewhere");
    assertThat(catalog.loadTable(TableIdentifier.parse("silver.theirs_new")).refs())
        .containsOnlyKeys("floe_run_" + theirLiveRun);
  }

  @Test
  void whatAnotherProjectLeftIsRemovedOnceItIsAbandoned() {
    Table theirs = table("silver.theirs_new", THEIRS);
    onlyOnBranch(theirs, "floe_run_" + theirAbandonedRun);

    List<String> cleaned = Leftovers.remove(catalog, tables(), OURS, run -> false, now.plus(Duration.ofDays(3)));

    assertThat(cleaned).containsExactly("silver.theirs_new");
    assertThat(tables()).isEmpty();
  }

  private List<TableIdentifier> tables() {
    return List.of(Namespace.of("bronze"), Namespace.of("silver")).stream()
        .flatMap(namespace -> catalog.listTables(namespace).stream()).toList();
  }

  private Table table(String name, String creator) {
    return catalog.createTable(TableIdentifier.parse(name), SCHEMA, PartitionSpec.unpartitioned(),
        creator == null ? Map.of() : Map.of(RunLeftovers.WRITER_PROPERTY, creator));
  }

  // Rows written on a run's branch of a table that has no main yet, as a run writes a table it creates.
  private static void onlyOnBranch(Table table, String branch) {
    table.newAppend().appendFile(file(table)).toBranch(branch).commit();
  }

  private static DataFile file(Table table) {
    return DataFiles.builder(table.spec()).withPath(table.location() + "/data/" + java.util.UUID.randomUUID()
        + ".parquet").withFileSizeInBytes(10).withRecordCount(1).withFormat(FileFormat.PARQUET).build();
  }
}
