package io.floe.cli.command;

import io.floe.cli.output.Tabular;
import io.floe.core.project.Project;
import io.floe.models.project.ModelProject;
import io.floe.models.run.ModelResult;
import io.floe.models.run.RunReport;
import io.floe.models.run.TestResult;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Mixin;

/** What {@code floe run} and {@code floe build} share: load the models, run, record, print the summary. */
abstract class ModelRunCommand extends WritingCommand {
  @Mixin ModelSelection selection;

  @Mixin VarsOption vars;

  ModelProject models;
  /** The selected node names, resolved before the engine starts so that a bad selector fails fast. */
  Set<String> selected;

  @Override
  void check(Project project) {
    models = ModelProject.load(vars.apply(project));
    selected = selection.select(models);
  }

  /** Prints the run's summary; returns the exit code. */
  int report(RunReport report) {
    List<List<Object>> rows = new ArrayList<>();
    for (ModelResult model : report.models()) {
      rows.add(Tabular.row(model.model(), status(model.status()), model.table(), model.rowsWritten(),
          String.format(Locale.ROOT, "%.1f", model.millis() / 1000.0), model.snapshotId().orElse(null)));
    }
    print(new Tabular(List.of("model", "status", "table", "rows", "seconds", "snapshot"), rows));
    printTests(report.tests());
    for (ModelResult model : report.models()) {
      if (!model.message().isEmpty()) {
        out().println(model.model() + ": " + model.message());
      }
    }
    if (report.nothingChanged()) {
      out().printf(Locale.ROOT, "Run %s: nothing changed: %d models have the SQL, config and inputs they were "
          + "published with; no model ran, no test ran, nothing was committed.%n", report.runId(),
          report.models().size());
      out().flush();
      return 0;
    }
    long failedTests = report.tests().stream().filter(TestResult::blocks).count();
    out().printf(Locale.ROOT, "Run %s: %d models in %.1f s, %d tests (%d failed) in %.1f s. %s%n", report.runId(),
        report.models().size(), report.modelsTime().toMillis() / 1e3, report.tests().size(), failedTests,
        report.testsTime().toMillis() / 1e3, report.published()
            ? "Published to main."
            : "Nothing published: main of every table is unchanged.");
    out().flush();
    return report.succeeded() ? 0 : 1;
  }

  // The table lists the tests that did not pass (all of them with -v); a line counts every outcome.
  void printTests(List<TestResult> tests) {
    if (tests.isEmpty()) {
      return;
    }
    List<List<Object>> rows = new ArrayList<>();
    Map<TestResult.Status, Integer> counts = new EnumMap<>(TestResult.Status.class);
    for (TestResult test : tests) {
      counts.merge(test.status(), 1, Integer::sum);
      if (test.status() != TestResult.Status.PASS || root().verbosity() > 0) {
        rows.add(Tabular.row(test.name(), status(test.status()), test.severity().name().toLowerCase(Locale.ROOT),
            test.failures(), String.format(Locale.ROOT, "%.1f", test.millis() / 1000.0)));
      }
    }
    if (!rows.isEmpty()) {
      print(new Tabular(List.of("test", "status", "severity", "failures", "seconds"), rows));
    }
    out().printf("Tests: %d passed, %d warned, %d failed, %d could not run.%n",
        counts.getOrDefault(TestResult.Status.PASS, 0), counts.getOrDefault(TestResult.Status.WARN, 0),
        counts.getOrDefault(TestResult.Status.FAIL, 0), counts.getOrDefault(TestResult.Status.ERROR, 0));
    for (TestResult test : tests) {
      if (test.status() != TestResult.Status.PASS) {
        out().println(test.status().name() + " " + test.name() + (test.message().isEmpty() ? ": "
            + test.failures() + " offending rows" : ": " + test.message()));
        test.sample().forEach(row -> out().println("  " + row));
      }
    }
  }

  private static String status(Enum<?> status) {
    return status.name().toLowerCase(Locale.ROOT);
  }
}
