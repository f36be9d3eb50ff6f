package io.floe.models.project;

import static java.util.Objects.requireNonNull;

import io.floe.models.test.DataTestDefinition.Severity;
import java.util.List;

/**
 * A SQL file under {@code tests/}: a SELECT that returns the rows that break a rule; it fails when
 * it returns any.
 *
 * @param path the file, relative to the project
 * @param refs the models it reads, which decide when it runs
 * @param severity from {@code config(severity='warn')}; error by default
 */
public record SingularTest(String name, String path, String template, List<String> refs, Severity severity) {
  public SingularTest {
    requireNonNull(name, "name is null");
    requireNonNull(path, "path is null");
    requireNonNull(template, "template is null");
    refs = List.copyOf(requireNonNull(refs, "refs is null"));
    requireNonNull(severity, "severity is null");
  }
}
