package io.floe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.Schema;
import org.apache.iceberg.UpdateRequirement;
import org.apache.iceberg.catalog.ImmutableTableCommit;
import org.apache.iceberg.catalog.TableCommit;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST protocol's multi-table commit ({@code POST /v1/transactions/commit}), with which a Floe
 * project on a REST catalog publishes a run: {@code floe serve} changes every table of it or none.
 */
class IcebergTransactionsTest {
  private static final TableIdentifier A = TableIdentifier.of("gold", "a");
  private static final TableIdentifier B = TableIdentifier.of("gold", "b");

  @TempDir Path project;

  @Test
  void aMultiTableCommitChangesEveryTableOrNone() throws Exception {
    Files.writeString(project.resolve("floe.yaml"), "name: lake\nengine: {master: \"local[2]\"}\nnamespaces: [gold]\n");
    try (FloeServer server = FloeServer.start(project, FloeServer.Options.local(0));
        RESTCatalog catalog = new RESTCatalog()) {
      catalog.initialize("client", Map.of("uri", server.url() + "/iceberg"));
      Schema schema = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));
      String uuidA = catalog.createTable(A, schema).uuid().toString();
      String uuidB = catalog.createTable(B, schema).uuid().toString();

      catalog.commitTransaction(commit(A, uuidA, "run", "1"), commit(B, uuidB, "run", "1"));

      assertThat(catalog.loadTable(A).properties()).containsEntry("run", "1");
      assertThat(catalog.loadTable(B).properties()).containsEntry("run", "1");

      // B's requirement fails (another table of that name, say): A, listed first, must not change either.
      assertThatThrownBy(() -> catalog.commitTransaction(commit(A, uuidA, "run", "2"),
          commit(B, "00000000-0000-0000-0000-000000000000", "run", "2")))
          .isInstanceOf(CommitFailedException.class);

      assertThat(catalog.loadTable(A).properties()).containsEntry("run", "1");
      assertThat(catalog.loadTable(B).properties()).containsEntry("run", "1");
    }
  }

  private static TableCommit commit(TableIdentifier table, String uuid, String key, String value) {
    return ImmutableTableCommit.builder().identifier(table)
        .requirements(List.of(new UpdateRequirement.AssertTableUUID(uuid)))
        .updates(List.of(new MetadataUpdate.SetProperties(Map.of(key, value))))
        .build();
  }
}
