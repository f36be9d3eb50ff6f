package io.floe.cli.command;

import java.time.Duration;
import picocli.CommandLine.Mixin;

/** A command that writes to the project: it runs as one recorded run holding the project's lock. */
abstract class WritingCommand extends ProjectCommand {
  @Mixin WriterOptions writer;

  @Override
  final boolean writes() {
    return true;
  }

  @Override
  final Duration waitForLock() {
    return writer.waitForLock();
  }
}
