package io.floe.ingest.bronze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.ErrorCategory;
import io.floe.core.error.FloeException;
import io.floe.spark.table.RunLeftovers;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.ManageSnapshots;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batch branches are made and removed while another run (another project on the same catalog) commits to the same
 * table: the reference change is tried again on the refreshed table instead of failing the run.
 */
class BronzeCommitTest {
  private static final TableIdentifier EVENTS = TableIdentifier.of("bronze", "events");
  private static final String OURS = "0000000000aa";
  private static final String ANOTHER_PROJECT = "0000000000bb";
  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private Table table;

  @BeforeEach
  void createTable() {
    catalog.initialize("test", Map.of());
    catalog.createNamespace(Namespace.of("bronze"));
    table = catalog.createTable(EVENTS, new Schema(Types.NestedField.required(1, "id", Types.LongType.get())));
    appendByAnotherRun();
    table.refresh();
  }

  @Test
  void aBranchCreatedWhileAnotherRunCommitsIsCreatedAtTheBatchBase() {
    long base = table.currentSnapshot().snapshotId();
    // What Iceberg does alone: the reference change fails once another run committed after it was begun.
    ManageSnapshots alone = table.manageSnapshots().createBranch("floe_batch_alone", base);
    appendByAnotherRun();
    assertThatThrownBy(alone::commit).isInstanceOf(CommitFailedException.class)
        .hasMessageContaining("refresh is required");

    AtomicInteger attempts = new AtomicInteger();
    boolean created = BronzeCommit.changeRefs(table, () -> {
      ManageSnapshots refs = table.manageSnapshots().createBranch("floe_batch_1", base);
      if (attempts.incrementAndGet() == 1) {
        appendByAnotherRun();
      }
      return refs;
    }, () -> FloeException.conflict("not expected"));

    table.refresh();
    assertThat(created).isTrue();
    assertThat(attempts).hasValue(2);
    assertThat(table.refs().get("floe_batch_1").snapshotId()).isEqualTo(base);
    assertThat(table.snapshots()).hasSize(3);
  }

  @Test
  void branchesAnInterruptedRunLeftAreRemovedAndOthersKept() {
    long base = table.currentSnapshot().snapshotId();
    Instant now = Instant.now();
    String ours = RunLeftovers.batchBranch(OURS, now.minusSeconds(60));
    String anotherProjectsLive = RunLeftovers.batchBranch(ANOTHER_PROJECT, now.minusSeconds(60));
    String anotherProjectsAbandoned = RunLeftovers.batchBranch(ANOTHER_PROJECT, now.minus(Duration.ofDays(3)));
    table.manageSnapshots().createBranch(ours, base).createBranch(anotherProjectsLive, base)
        .createBranch(anotherProjectsAbandoned, base).createBranch("floe_batch_0123456789abcdef0123456789abcdef", base)
        .createBranch("audit", base).commit();

    BronzeCommit.removeStaleBranches(table, OURS);

    table.refresh();
    // An earlier Floe's branch (no writer in its name) is taken for the project's own, as it was then.
    assertThat(table.refs().keySet()).containsExactlyInAnyOrder("main", "audit", anotherProjectsLive);
  }

  @Test
  void aChangeThatKeepsMeetingOtherCommitsStopsWithAConflict() {
    long base = table.currentSnapshot().snapshotId();
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(() -> BronzeCommit.changeRefs(table, () -> {
      ManageSnapshots refs = table.manageSnapshots().createBranch("floe_batch_" + attempts.incrementAndGet(), base);
      appendByAnotherRun();
      return refs;
    }, () -> FloeException.conflict("Cannot create the batch branch of bronze.events: other runs kept committing")))
        .isInstanceOfSatisfying(FloeException.class,
            e -> assertThat(e.category()).isEqualTo(ErrorCategory.CONFLICT))
        .hasMessageContaining("other runs kept committing");
    table.refresh();
    assertThat(table.refs().keySet()).containsExactly("main");
  }

  /** Another run's append, through its own table object, as a second process would make it. */
  private void appendByAnotherRun() {
    Table other = catalog.loadTable(EVENTS);
    other.newAppend().appendFile(DataFiles.builder(PartitionSpec.unpartitioned())
        .withPath("memory://events/" + java.util.UUID.randomUUID() + ".parquet").withFormat(FileFormat.PARQUET)
        .withFileSizeInBytes(10).withRecordCount(1).build()).commit();
  }
}
