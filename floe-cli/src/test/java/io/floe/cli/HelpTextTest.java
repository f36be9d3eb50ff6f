package io.floe.cli;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * picocli formats every help line with {@code String.format}: a bare {@code %} (say "1% new rows")
 * makes it print a "[picocli WARN]" above the help. Every command's text must format cleanly.
 */
class HelpTextTest {
  @Test
  void everyCommandsHelpTextFormatsWithoutWarnings() {
    List<CommandSpec> commands = new ArrayList<>();
    collect(FloeCli.newCommandLine(), commands);
    for (CommandSpec command : commands) {
      List<String> lines = new ArrayList<>(List.of(command.usageMessage().description()));
      for (ArgSpec arg : command.args()) {
        lines.addAll(List.of(arg.description()));
      }
      for (String line : lines) {
        assertThatCode(() -> String.format(line))
            .as("help of '%s': %s", command.qualifiedName(), line)
            .doesNotThrowAnyException();
      }
    }
  }

  private static void collect(CommandLine command, List<CommandSpec> into) {
    into.add(command.getCommandSpec());
    command.getSubcommands().values().forEach(sub -> collect(sub, into));
  }
}
