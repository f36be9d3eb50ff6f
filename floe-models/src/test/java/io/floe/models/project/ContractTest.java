package io.floe.models.project;

import static io.floe.models.project.TestProjects.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.project.Project;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContractTest {
  @TempDir Path dir;

  @Test
  void anEnforcedContractListsEveryDifference() {
    TestProjects.create(dir);
    write(dir, "models/orders.sql", "select 1 as id");
    write(dir, "models/orders.yml", """
        models:
          - name: orders
            config:
              contract: {enforced: true}
            columns:
              - name: id
                data_type: BIGINT
              - name: amount
                data_type: decimal(10, 2)
              - name: placed_at
                data_type: timestamp
        """);
    Model model = ModelProject.load(Project.load(dir)).model("orders");
    assertThat(Contract.enforced(model)).isTrue();

    Map<String, String> matching = new LinkedHashMap<>();
    matching.put("id", "bigint");
    matching.put("amount", "decimal(10,2)");
    matching.put("placed_at", "timestamp");
    assertThatCode(() -> Contract.check(model, matching)).doesNotThrowAnyException();

    Map<String, String> selected = new LinkedHashMap<>();
    selected.put("id", "int");
    selected.put("amount", "decimal(10,2)");
    selected.put("note", "string");
    assertThatThrownBy(() -> Contract.check(model, selected))
        .hasMessage("Cannot run model orders (models/orders.sql): its contract is not met: column id is int, but"
            + " declared BIGINT; column placed_at is declared but not selected; column note is selected but not"
            + " declared.");
  }

  @Test
  void allowNewColumnsLetsColumnsBeyondTheDeclaredOnesFollowButStillChecksTheDeclaredOnes() {
    TestProjects.create(dir);
    write(dir, "models/orders.sql", "select 1 as id");
    write(dir, "models/orders.yml", """
        models:
          - name: orders
            config:
              contract: {enforced: true, allow_new_columns: true}
            columns:
              - name: id
                data_type: bigint
        """);
    Model model = ModelProject.load(Project.load(dir)).model("orders");
    Map<String, String> evolved = new LinkedHashMap<>();
    evolved.put("id", "bigint");
    evolved.put("delivery_notes", "string");
    assertThatCode(() -> Contract.check(model, evolved)).doesNotThrowAnyException();
    assertThatThrownBy(() -> Contract.check(model, Map.of("delivery_notes", "string")))
        .hasMessageEndingWith("its contract is not met: column id is declared but not selected.");
  }
}
