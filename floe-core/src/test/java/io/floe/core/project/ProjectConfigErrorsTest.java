package io.floe.core.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.ErrorCategory;
import io.floe.core.error.FloeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a user sees for a broken floe.yaml: one line with file, line, key, value seen and a way out. */
class ProjectConfigErrorsTest {
  @TempDir Path dir;

  static Stream<Arguments> brokenFiles() {
    return Stream.of(
        Arguments.of("typo in a nested key", """
            name: shop
            catalog:
              type: jdbc
              urii: jdbc:sqlite:x.db
            """, "floe.yaml:4: Unknown key 'catalog.urii'. Did you mean 'catalog.uri'?"),
        Arguments.of("typo in a section", """
            name: shop
            catalgo:
              type: jdbc
            """, "floe.yaml:2: Unknown key 'catalgo'. Did you mean 'catalog'?"),
        Arguments.of("key in the wrong section", """
            name: shop
            catalog:
              region: eu-west-1
            """, "floe.yaml:3: Unknown key 'catalog.region'. Did you mean 'storage.region'?"),
        Arguments.of("unknown key far from any other", """
            name: shop
            catalog:
              colour: blue
            """, "floe.yaml:3: Unknown key 'catalog.colour'. Valid keys in catalog: "
                + "type, name, uri, user, password, warehouse, credential, token."),
        Arguments.of("unknown top-level key", """
            name: shop
            pipelines: []
            """, "floe.yaml:2: Unknown key 'pipelines'. Valid top-level keys: "
                + "name, catalog, storage, engine, namespaces, models, connections, sources, ingest, schedules,"
                + " maintenance, vars, vault."),
        Arguments.of("text for an integer", """
            name: shop
            engine:
              shuffle-partitions: four
            """, "floe.yaml:3: Invalid value for engine.shuffle-partitions: expected an integer, but was 'four'."),
        Arguments.of("zero partitions", """
            name: shop
            engine:
              shuffle-partitions: 0
            """, "floe.yaml:3: Invalid value for engine.shuffle-partitions: expected a positive integer, but was '0'."),
        Arguments.of("yes for a boolean", """
            name: shop
            storage:
              path-style-access: yes
            """, "floe.yaml:3: Invalid value for storage.path-style-access: expected true or false, but was 'yes'."),
        Arguments.of("unknown enum value", """
            name: shop
            catalog:
              type: hive
            """, "floe.yaml:3: Invalid value for catalog.type: expected one of [jdbc, rest], but was 'hive'."),
        Arguments.of("mapping for a string", """
            name: shop
            catalog:
              uri:
                host: localhost
            """, "floe.yaml:3: Invalid value for catalog.uri: expected a string, but was a mapping."),
        Arguments.of("scalar for a list", """
            name: shop
            namespaces: bronze
            """, "floe.yaml:2: Invalid value for namespaces: expected a list of strings, but was 'bronze'."),
        Arguments.of("mapping inside a list", """
            name: shop
            namespaces:
              - bronze
              - silver: true
            """, "floe.yaml:4: Invalid value for namespaces: expected a list of strings, but item 2 was a mapping."),
        Arguments.of("namespace that is not an identifier", """
            name: shop
            namespaces: [bronze, raw-data]
            """, "floe.yaml:2: Invalid value for namespaces: expected SQL identifiers (letters, digits and _), "
                + "but was 'raw-data'."),
        Arguments.of("scalar for a section", """
            name: shop
            catalog: jdbc
            """, "floe.yaml:2: Invalid value for catalog: expected a mapping of catalog.* settings, but was 'jdbc'."),
        Arguments.of("list for a map", """
            name: shop
            vars: [a, b]
            """, "floe.yaml:2: Invalid value for vars: expected a mapping, but was a list."),
        Arguments.of("engine.conf key that is not a Spark setting", """
            name: shop
            engine:
              conf:
                sql.shuffle.partitions: 3
            """, "floe.yaml:3: Invalid key in engine.conf: expected a Spark setting starting with 'spark.', "
                + "but was 'sql.shuffle.partitions'."),
        Arguments.of("catalog name that is not an identifier", """
            name: shop
            catalog:
              name: my-lake
            """, "floe.yaml:3: Invalid value for catalog.name: expected a SQL identifier (letters, digits and _) "
                + "such as floe, but was 'my-lake'."),
        Arguments.of("missing name", """
            catalog:
              type: jdbc
            """, "floe.yaml:1: Missing required key 'name'. Add it, e.g. name: my_project"),
        Arguments.of("empty name", """
            # my project
            name:
            """, "floe.yaml:2: Missing required key 'name'. Add it, e.g. name: my_project"),
        Arguments.of("empty file", "", "floe.yaml:1: Missing required key 'name'. Add it, e.g. name: my_project"),
        Arguments.of("duplicate key", """
            name: shop
            catalog:
              uri: a
            catalog.uri: b
            """, "floe.yaml:4: Duplicate key 'catalog.uri' (first set at line 3). Remove one of them."),
        Arguments.of("list at the top level", """
            - name: shop
            """, "floe.yaml:1: Cannot read settings: expected 'key: value' lines at the top level, but was a list."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenFiles")
  void brokenFileFailsWithOneActionableLine(String description, String yaml, String message) throws IOException {
    Files.writeString(dir.resolve("floe.yaml"), yaml);

    assertThatThrownBy(() -> Project.load(dir))
        .isInstanceOfSatisfying(FloeException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessage(message);
  }

  @Test
  void yamlSyntaxErrorNamesTheLine() throws IOException {
    Files.writeString(dir.resolve("floe.yaml"), """
        name: shop
        catalog:
          type: jdbc
           uri: x
        """);

    assertThatThrownBy(() -> Project.load(dir))
        .isInstanceOf(FloeException.class)
        .hasMessageStartingWith("floe.yaml:4: Cannot parse YAML: ")
        .hasMessageNotContaining("\n");
  }

  @Test
  void unclosedQuoteIsASyntaxError() throws IOException {
    Files.writeString(dir.resolve("floe.yaml"), "name: 'shop\ncatalog:\n  type: jdbc\n");

    assertThatThrownBy(() -> Project.load(dir))
        .isInstanceOf(FloeException.class)
        .hasMessageStartingWith("floe.yaml:")
        .hasMessageContaining("Cannot parse YAML: ")
        .hasMessageNotContaining("\n");
  }

  @Test
  void missingFloeYamlSaysHowToCreateOne() {
    Path root = dir.toAbsolutePath().normalize();

    assertThatThrownBy(() -> Project.load(dir))
        .isInstanceOf(FloeException.class)
        .hasMessage("Cannot load project: no floe.yaml in %s. Run 'floe init %s' to create one, or pass -p DIR.",
            root, root);
  }

  @Test
  void secretsAreNotResolvedWhileLoading() throws IOException {
    Files.writeString(dir.resolve("floe.yaml"), """
        name: shop
        catalog:
          password: ${env:FLOE_TEST_SURELY_UNSET_VARIABLE}
        """);

    assertThat(Project.load(dir).config().catalog().password().raw())
        .isEqualTo("${env:FLOE_TEST_SURELY_UNSET_VARIABLE}");
  }

  @Test
  void plainTextCatalogPasswordIsRefusedWithoutShowingIt() throws IOException {
    Files.writeString(dir.resolve("floe.yaml"), """
        name: shop
        catalog:
          uri: jdbc:postgresql://db:5432/catalog
          user: floe
          password: hunter2-very-secret
        """);

    assertThatThrownBy(() -> Project.load(dir))
        .isInstanceOf(FloeException.class)
        .hasMessage("floe.yaml:5: Cannot use catalog.password as written: a password in floe.yaml is shared with "
            + "everyone who reads the project. Write a reference instead, e.g. password: ${env:FLOE_CATALOG_PASSWORD} "
            + "(or ${file:PATH}, ${vault:PATH#KEY}), and set the value outside the file.")
        .hasMessageNotContaining("hunter2");
  }
}
