package io.floe.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts the floe command in a new JVM, as a user's shell would, with this JVM's class path. */
final class FloeProcess {
  private FloeProcess() {}

  /** Starts {@code floe -p project args...}; stdout is discarded unless {@code keepOut}. */
  static Process start(Path project, boolean keepOut, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (argument.startsWith("--add-") || argument.startsWith("-XX:+Ignore") || argument.startsWith("-Djdk.")
          || argument.startsWith("-Dio.netty")) {
        command.add(argument);
      }
    }
    command.addAll(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        FloeCli.class.getName(), "-p", project.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    if (!keepOut) {
      builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }
    return builder.start();
  }
}
