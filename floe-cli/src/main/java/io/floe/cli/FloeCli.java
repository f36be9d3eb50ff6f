package io.floe.cli;

import io.floe.cli.command.FloeCommand;
import io.floe.core.error.ErrorCategory;
import io.floe.core.error.FloeException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
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
    reflowDescriptions(commandLine);
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

  /**
   * Commands write their descriptions as lines of about 100 characters; picocli prints each element on a
   * line of its own and breaks those longer than the help's width (80), which left a word or two on a line
   * of their own. So the lines of each paragraph are joined and wrapped again at that width. A line that
   * starts with spaces starts a paragraph of a list (demo's examples); a line indented deeper than it
   * continues that item, and the item wraps under that indentation.
   */
  static void reflowDescriptions(CommandLine command) {
    CommandLine.Model.UsageMessageSpec usage = command.getCommandSpec().usageMessage();
    int width = usage.width();
    List<String> lines = new ArrayList<>();
    StringBuilder paragraph = null;
    int firstIndent = 0;
    int hangingIndent = 0;
    for (String line : usage.description()) {
      int indent = line.length() - line.stripLeading().length();
      boolean continues = paragraph != null && !line.isBlank()
          && (firstIndent == 0 ? indent == 0 : indent > firstIndent);
      if (continues) {
        hangingIndent = indent;
        paragraph.append(' ').append(line.strip());
        continue;
      }
      if (paragraph != null) {
        wrap(paragraph.toString(), firstIndent, hangingIndent, width, lines);
      }
      paragraph = line.isBlank() ? null : new StringBuilder(line.strip());
      if (line.isBlank()) {
        lines.add("");
      }
      firstIndent = indent;
      hangingIndent = indent;
    }
    if (paragraph != null) {
      wrap(paragraph.toString(), firstIndent, hangingIndent, width, lines);
    }
    usage.description(lines.toArray(String[]::new));
    command.getSubcommands().values().forEach(FloeCli::reflowDescriptions);
  }

  private static void wrap(String text, int firstIndent, int hangingIndent, int width, List<String> into) {
    StringBuilder line = new StringBuilder(" ".repeat(firstIndent));
    boolean empty = true;
    for (String word : text.split(" +")) {
      if (!empty && line.length() + 1 + word.length() > width) {
        into.add(line.toString());
        line = new StringBuilder(" ".repeat(hangingIndent));
        empty = true;
      }
      line.append(empty ? "" : " ").append(word);
      empty = false;
    }
    into.add(line.toString());
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
