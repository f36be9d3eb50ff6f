package io.floe.cli;

import io.floe.cli.command.FloeCommand;
import io.floe.core.error.ErrorCategory;
import io.floe.core.error.FloeException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code floe} command. */
public final class FloeCli {
  private FloeCli() {}

  public static void main(String[] args) {
    CommandLine commandLine = newCommandLine();
    JavaRuntimeCheck.exitIfUnsupported(commandLine.getErr());
    int exitCode = commandLine.execute(args);
    // Spark leaves non-daemon threads behind; the exit code is the contract, so exit explicitly.
    System.exit(exitCode);
  }

  /** The configured command line, for the launcher and for tests that run commands in-process. */
  public static CommandLine newCommandLine() {
    FloeCommand root = new FloeCommand();
    CommandLine commandLine = new CommandLine(root);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    // A mistyped command or option is the user's to fix, like bad config: exit code 1.
    commandLine.setParameterExceptionHandler(FloeCli::reportUsage);
    commandLine.setExecutionStrategy(
        parseResult -> {
          Verbosity.apply(root.verbosity());
          return new CommandLine.RunLast().execute(parseResult);
        });
    commandLine.setExecutionExceptionHandler(
        (error, command, parseResult) -> report(error, command.getErr(), root.verbosity() > 0));
    return commandLine;
  }

  private static int reportUsage(CommandLine.ParameterException error, String[] args) {
    CommandLine command = error.getCommandLine();
    PrintWriter err = command.getErr();
    err.println("error: " + error.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(error, err);
    err.println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
    err.flush();
    return ErrorCategory.USER.exitCode();
  }

  private static int report(Exception error, PrintWriter err, boolean verbose) {
    ErrorCategory category =
        error instanceof FloeException floe ? floe.category() : ErrorCategory.INTERNAL;
    String message = error.getMessage() == null ? error.getClass().getName() : error.getMessage();
    if (category == ErrorCategory.INTERNAL && !(error instanceof FloeException)) {
      message = "internal error: " + error.getClass().getSimpleName() + ": " + message;
    }
    err.println("error: " + message);
    if (verbose) {
      error.printStackTrace(err);
    } else if (category == ErrorCategory.INTERNAL) {
      err.println("Run again with -v to see the stack trace, and please report it.");
    }
    err.flush();
    return category.exitCode();
  }
}
