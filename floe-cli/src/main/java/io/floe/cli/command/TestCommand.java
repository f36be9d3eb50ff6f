package io.floe.cli.command;

import io.floe.models.run.TestResult;
import io.floe.spark.FloeEngine;
import java.util.List;
import picocli.CommandLine.Command;

@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    description = "Run the data tests of the selected models against their published tables.")
final class TestCommand extends ModelRunCommand {
  @Override
  int run(FloeEngine engine) {
    List<TestResult> tests = runtime(engine).test(models, selected, root().verbosity() > 0);
    printTests(tests);
    long failed = tests.stream().filter(TestResult::blocks).count();
    out().printf("%d tests, %d failed.%n", tests.size(), failed);
    out().flush();
    return failed == 0 ? 0 : 1;
  }
}
