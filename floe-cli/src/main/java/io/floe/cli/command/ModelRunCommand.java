package io.floe.cli.command;

import io.floe.cli.output.Tabular;
import io.floe.core.project.Project;
import io.floe.models.project.ModelProject;
import io.floe.models.run.ModelResult;
import io.floe.models.run.RunHistory;
import io.floe.models.run.RunReport;
import io.floe.models.run.TestResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Mixin;

/** What {@code floe run} and {@code floe build} share: load the models, run, record, print the summary. */
abstract class ModelRunCommand extends ProjectCommand {
  @Mixin ModelSelection selection;

  ModelProject models;

  @Override
  void check(Project project) {
    models = ModelProject.load(project);
    selection.select(models); // a bad selector fails before the engine starts
  }

  /** Records the run and prints its summary; returns the exit code. */
  int report(Project project, RunReport report) {
    RunHistory.record(project, report);
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
    long failedTests = report.tests().stream().filter(TestResult::blocks).count();
    out().printf("Run %s: %d models, %d tests (%d failed). %s%n", report.runId(), report.models().size(),
        report.tests().size(), failedTests, report.published()
            ? "Published to main."
            : "Nothing published: main of every table is unchanged.");
    out().flush();
    return report.succeeded() ? 0 : 1;
  }

  void printTests(List<TestResult> tests) {
    if (tests.isEmpty()) {
      return;
    }
    List<List<Object>> rows = new ArrayList<>();
    for (TestResult test : tests) {
      rows.add(Tabular.row(test.name(), status(test.status()), test.severity().name().toLowerCase(Locale.ROOT),
          test.failures()));
    }
    print(new Tabular(List.of("test", "status", "severity", "failures"), rows));
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
