package io.floe.models.run;

import static java.util.Objects.requireNonNull;

import io.floe.models.test.DataTestDefinition.Severity;
import java.util.List;

/**
 * What one data test found.
 *
 * @param failures how many rows broke the rule (at most what was counted)
 * @param sample the first offending rows, as text
 * @param message the error when the test itself could not run, else empty
 * @param millis how long the test's queries took, from the start of the first to the end of the last;
 *     tests counted together in one pass (a model's row tests) each show that pass's time
 */
public record TestResult(String name, String model, Severity severity, Status status, long failures,
    List<String> sample, String message, long millis) {
  /** A test's outcome: pass; fail (error severity, blocks publishing); warn; error (could not run). */
  public enum Status {
    PASS,
    FAIL,
    WARN,
    ERROR
  }

  public TestResult {
    requireNonNull(name, "name is null");
    requireNonNull(model, "model is null");
    requireNonNull(severity, "severity is null");
    requireNonNull(status, "status is null");
    sample = List.copyOf(requireNonNull(sample, "sample is null"));
    requireNonNull(message, "message is null");
  }

  /** A result whose time is not known yet (see {@link #withMillis}). */
  public TestResult(String name, String model, Severity severity, Status status, long failures, List<String> sample,
      String message) {
    this(name, model, severity, status, failures, sample, message, 0);
  }

  /** This result, taking {@code millis}. */
  public TestResult withMillis(long millis) {
    return new TestResult(name, model, severity, status, failures, sample, message, millis);
  }

  /** True when the test stops the run from publishing. */
  public boolean blocks() {
    return status == Status.FAIL || status == Status.ERROR;
  }
}
