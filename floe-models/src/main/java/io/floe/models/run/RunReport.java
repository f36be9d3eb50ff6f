package io.floe.models.run;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One run: its models and tests, and whether main was moved to what it wrote.
 *
 * @param published true when the run's tables were published to main
 * @param modelsTime from the start of the run until its last model was written
 * @param testsTime how long the tests took, from the first one's start (a model's tests start when it
 *     is written, alongside the later models)
 */
public record RunReport(String runId, Instant startedAt, List<ModelResult> models, List<TestResult> tests,
    boolean published, Duration modelsTime, Duration testsTime) {
  public RunReport {
    requireNonNull(runId, "runId is null");
    requireNonNull(startedAt, "startedAt is null");
    models = List.copyOf(requireNonNull(models, "models is null"));
    tests = List.copyOf(requireNonNull(tests, "tests is null"));
    requireNonNull(modelsTime, "modelsTime is null");
    requireNonNull(testsTime, "testsTime is null");
  }

  /** True when nothing changed: every model was unchanged and no test ran. */
  public boolean nothingChanged() {
    return tests.isEmpty() && models.stream().allMatch(model -> model.status() == ModelResult.Status.UNCHANGED);
  }

  /** True when every model ran (or was unchanged) and no error-severity test failed. */
  public boolean succeeded() {
    return models.stream().allMatch(ModelResult::ok)
        && tests.stream().noneMatch(TestResult::blocks);
  }
}
