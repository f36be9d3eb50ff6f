package io.floe.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the floe command in-process, as a user would type it, and keeps what it printed. */
record CliRun(int exitCode, String out, String err) {
  static CliRun floe(Path project, String... args) {
    List<String> all = new ArrayList<>();
    if (project != null) {
      all.add("-p");
      all.add(project.toString());
    }
    all.addAll(List.of(args));
    return floe(all.toArray(String[]::new));
  }

  static CliRun floe(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = FloeCli.newCommandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new CliRun(exitCode, out.toString(), err.toString());
  }

  /** The output of a command that must succeed; fails the test with stderr otherwise. */
  String ok() {
    if (exitCode != 0) {
      throw new AssertionError("floe exited with " + exitCode + ":\n" + err + out);
    }
    return out;
  }
}
