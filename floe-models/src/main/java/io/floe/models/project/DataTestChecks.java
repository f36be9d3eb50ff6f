package io.floe.models.project;

import io.floe.core.error.DidYouMean;
import io.floe.core.error.FloeException;
import io.floe.models.test.DataTestDefinition;
import io.floe.models.test.DataTestQueries;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Gathers the property files' declarations and checks, while loading, that every data test exists. */
final class DataTestChecks {
  private DataTestChecks() {}

  /**
   * dbt_project.yml's {@code data_tests:} configs for the tests of one property file, by the file's
   * folders under its model path; a sub-folder's setting wins over its parent's.
   */
  static Map<String, Object> projectTestConfig(DbtProject dbt, List<Path> modelDirs, Path file) {
    Map<String, Object> config = new LinkedHashMap<>();
    for (Path dir : modelDirs) {
      if (file.startsWith(dir)) {
        dbt.tests().along(DbtProject.FolderConfig.foldersOf(dir, file)).forEach(level -> config.putAll(level.getValue()));
        break;
      }
    }
    return config;
  }

  static PropertyDeclarations declarations(List<PropertyFileReader.Contents> files) {
    List<SourceTable> sourceTables = new ArrayList<>();
    List<NodeProperties> nodes = new ArrayList<>();
    List<DescribedResource> described = new ArrayList<>();
    List<UnitTestDefinition> unitTests = new ArrayList<>();
    for (PropertyFileReader.Contents file : files) {
      sourceTables.addAll(file.sourceTables());
      nodes.addAll(file.nodes());
      described.addAll(file.described());
      unitTests.addAll(file.unitTests());
    }
    return new PropertyDeclarations(sourceTables, nodes, described, unitTests);
  }

  /**
   * @throws FloeException (user) naming the file and line of a test that is neither one Floe ships
   *     nor a generic test of the project
   */
  static void requireKnownTests(Collection<Model> models, PropertyDeclarations declarations, Set<String> generic) {
    List<DataTestDefinition> tests = new ArrayList<>();
    models.forEach(model -> model.properties().ifPresent(properties -> tests.addAll(properties.tests())));
    declarations.sourceTables().forEach(table -> tests.addAll(table.tests()));
    Set<String> known = new TreeSet<>(DataTestQueries.KINDS);
    known.addAll(generic);
    for (DataTestDefinition test : tests) {
      if (known.contains(test.baseKind())) {
        continue;
      }
      int dot = test.kind().indexOf('.');
      if (dot > 0 && !test.kind().equals(test.baseKind())) {
        throw FloeException.user("%s: Cannot load test '%s': Floe's %s has no test '%s'.%s Known tests: %s.",
            test.where(), test.kind(), test.kind().substring(0, dot), test.baseKind(),
            DidYouMean.hint(test.baseKind(), known), known);
      }
      if (dot > 0) {
        throw FloeException.user("%s: Cannot load test '%s': it comes from the package %s, which Floe does not ship"
            + " (known tests: %s). Define it in macros/ or tests/generic/ as {%% test %s(model,"
            + " column_name) %%} select ... {%% endtest %%}, or remove it.", test.where(), test.kind(),
            test.kind().substring(0, dot), known, test.baseKind());
      }
      throw FloeException.user("%s: Cannot load test '%s': there is no such generic test.%s Known tests: %s. Define"
          + " it in macros/ or tests/generic/ as {%% test %s(model, column_name) %%} select ... {%% endtest %%}.",
          test.where(), test.kind(), DidYouMean.hint(test.baseKind(), known), known, test.baseKind());
    }
  }
}
