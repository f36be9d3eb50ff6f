package io.floe.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.ingest.bronze.SourceState;
import io.floe.ingest.spi.Batch;
import io.floe.ingest.spi.Position;
import io.floe.ingest.spi.Source;
import io.floe.ingest.spi.SourceConnector;
import io.floe.ingest.spi.SourceDefinition;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every connector passes: extend this class, declare a source named {@code contract}
 * whose rows have an integer {@code id} and a {@code string name}, and say how to add rows to it.
 * The tests run the real engine on a temp project and assert on the bronze table.
 */
public abstract class SourceContractTest {
  protected static final String SOURCE = "contract";
  protected static final String TABLE = "bronze.contract";

  @TempDir protected Path projectDir;
  protected IngestFixture fixture;

  /**
   * The lines under {@code sources:} declaring the source {@code contract}, indented by two spaces;
   * the source should make more than one batch out of 20 rows when it can, so that batching is tested.
   */
  protected abstract String sourceYaml();

  /** Makes the source hold the rows with {@code id} in [from, to) and {@code name} = "n" + id, besides those it had. */
  protected abstract void addRows(long from, long to) throws Exception;

  /** The connectors to test, by type; null for those on the class path. */
  protected Map<String, SourceConnector> connectors() {
    return null;
  }

  @BeforeEach
  void createProject() {
    fixture = new IngestFixture(projectDir, sourceYaml(), connectors());
  }

  @AfterEach
  void closeEngine() {
    fixture.close();
  }

  @Test
  void firstRunLoadsEveryRowWithMetadataColumns() throws Exception {
    addRows(0, 20);
    SourceRun run = fixture.ingest(SOURCE).get(0);

    assertThat(run.rowsWritten()).isEqualTo(20);
    assertThat(run.rejects()).isZero();
    assertThat(ids()).containsExactlyElementsOf(range(0, 20));
    assertThat(fixture.rows("SELECT DISTINCT _source FROM " + TABLE)).containsExactly(List.of(SOURCE));
    assertThat(fixture.value("SELECT count(*) FROM " + TABLE
        + " WHERE _batch_id IS NULL OR _ingested_at IS NULL OR name <> concat('n', id)")).isEqualTo(0L);
  }

  @Test
  void everyBatchIsOneSnapshotThatCarriesThePosition() throws Exception {
    addRows(0, 20);
    SourceRun run = fixture.ingest(SOURCE).get(0);

    Table table = fixture.engine().table(TABLE);
    // On the Spark path a new table's first batch branch starts from an empty snapshot; it holds nothing.
    List<Snapshot> snapshots = com.google.common.collect.Lists.newArrayList(table.snapshots()).stream()
        .filter(snapshot -> snapshot.parentId() != null || !"0".equals(snapshot.summary().get("total-records")))
        .toList();
    assertThat(snapshots).hasSize(run.batches());
    assertThat(snapshots).allSatisfy(snapshot ->
        assertThat(snapshot.summary()).containsKeys(SourceState.positionKey(SOURCE), SourceState.batchIdKey(SOURCE)));
    long batchIds = (Long) fixture.value("SELECT count(DISTINCT _batch_id) FROM " + TABLE);
    assertThat(batchIds).isEqualTo(run.batches());
  }

  @Test
  void aRunWithNothingNewCommitsNothing() throws Exception {
    addRows(0, 20);
    fixture.ingest(SOURCE);
    long snapshot = fixture.engine().table(TABLE).currentSnapshot().snapshotId();

    SourceRun again = fixture.ingest(SOURCE).get(0);

    assertThat(again.batches()).isZero();
    assertThat(fixture.engine().table(TABLE).currentSnapshot().snapshotId()).isEqualTo(snapshot);
    assertThat(ids()).containsExactlyElementsOf(range(0, 20));
  }

  @Test
  void newRowsArePickedUpByTheNextRunAndLoadedOnce() throws Exception {
    addRows(0, 20);
    fixture.ingest(SOURCE);
    addRows(20, 30);

    SourceRun run = fixture.ingest(SOURCE).get(0);

    assertThat(run.rowsWritten()).isEqualTo(10);
    assertThat(ids()).containsExactlyElementsOf(range(0, 30));
  }

  @Test
  protected void planningIsDeterministicAndAnyPrefixOfBatchesResumes() throws Exception {
    addRows(0, 20);
    Source source = source();
    List<Batch> first = source.plan(Position.START);
    List<Batch> second = source.plan(Position.START);

    assertThat(first).isNotEmpty();
    assertThat(second).extracting(Batch::id).containsExactlyElementsOf(first.stream().map(Batch::id).toList());
    assertThat(second).extracting(Batch::after).containsExactlyElementsOf(first.stream().map(Batch::after).toList());
    assertThat(source.plan(first.get(first.size() - 1).after())).isEmpty();
    assertThat(source.plan(first.get(0).after())).extracting(Batch::id)
        .containsExactlyElementsOf(first.subList(1, first.size()).stream().map(Batch::id).toList());
    assertThat(source.describe(first.get(0).after())).isNotBlank();
  }

  @Test
  void aBatchReplayedAfterACrashIsNotLoadedTwice() throws Exception {
    addRows(0, 20);
    Ingestion ingestion = fixture.ingestion();
    SourceDefinition definition = fixture.sources().select(List.of(SOURCE)).get(0);
    // The process dies after committing the first batch: the next run resumes after it.
    io.floe.ingest.bronze.BatchResult committed = new io.floe.ingest.bronze.BronzeWriter(fixture.engine())
        .write(definition, firstBatch(), Position.START, 0, 0);
    assertThat(ingestion.state(definition).position()).isEqualTo(committed.after()).isNotEqualTo(Position.START);

    fixture.ingest(SOURCE);

    assertThat(ids()).containsExactlyElementsOf(range(0, 20));
  }

  @Test
  void aBatchPlannedBeforeAnotherRunCommittedIsRefused() throws Exception {
    addRows(0, 20);
    SourceDefinition definition = fixture.sources().select(List.of(SOURCE)).get(0);
    Batch first = firstBatch();
    io.floe.ingest.bronze.BronzeWriter writer = new io.floe.ingest.bronze.BronzeWriter(fixture.engine());
    writer.write(definition, first, Position.START, 0, 0);
    long snapshot = fixture.engine().table(TABLE).currentSnapshot().snapshotId();

    // A second run planned from the start, before the first committed: its batch must not load again.
    assertThatThrownBy(() -> writer.write(definition, first, Position.START, 0, 0))
        .hasMessageContaining("another run committed the source since this run planned the batch");
    assertThat(fixture.engine().table(TABLE).currentSnapshot().snapshotId()).isEqualTo(snapshot);
  }

  /**
   * Two runs of the source at once (two projects on one catalog): while the first is between its batches,
   * the second loads the rest. The first's next batch is refused inside its commit, and the first plans
   * again from the position the second committed instead of stopping: each row is loaded once, and both
   * runs end without an error.
   */
  @Test
  void aRunThatMeetsAnotherRunsCommitPlansAgainFromItAndLoadsEachRowOnce() throws Exception {
    addRows(0, 20);
    SourceDefinition definition = fixture.sources().select(List.of(SOURCE)).get(0);
    List<SourceRun> other = new java.util.ArrayList<>();
    SourceRun first = fixture.ingestion().run(definition, (source, batch, result, done, total, bytes, bytesTotal,
        elapsed) -> {
      if (other.isEmpty()) {
        other.addAll(fixture.ingest(SOURCE));
      }
    });

    assertThat(ids()).containsExactlyElementsOf(range(0, 20));
    assertThat(other).hasSize(1);
    // The first committed its first batch only: the one after it was refused, and nothing was left to plan.
    assertThat(first.batches()).isOne();
    long commits = java.util.stream.StreamSupport.stream(fixture.engine().table(TABLE).snapshots().spliterator(), false)
        .filter(snapshot -> snapshot.summary().containsKey(SourceState.batchIdKey(SOURCE))).count();
    assertThat(first.batches() + other.get(0).batches()).isEqualTo(commits);
    assertThat(first.rowsWritten() + other.get(0).rowsWritten()).isEqualTo(20);
  }

  /** The first batch a run from the start reads. */
  protected Batch firstBatch() {
    try (Source source = source(); io.floe.ingest.spi.BatchStream batches = source.open(Position.START)) {
      return batches.next().orElseThrow();
    }
  }

  protected Source source() {
    ProjectSources sources = fixture.sources();
    return sources.create(sources.select(List.of(SOURCE)).get(0));
  }

  protected List<Long> ids() {
    return fixture.rows("SELECT id FROM " + TABLE + " ORDER BY id").stream().map(row -> ((Number) row.get(0)).longValue()).toList();
  }

  protected static List<Long> range(long from, long to) {
    return LongStream.range(from, to).boxed().toList();
  }
}
