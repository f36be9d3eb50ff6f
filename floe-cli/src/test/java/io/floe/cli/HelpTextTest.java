package io.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;
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

  @Test
  void descriptionsAreWrappedAsParagraphsWithinTheHelpsWidth() {
    List<CommandSpec> commands = new ArrayList<>();
    collect(FloeCli.newCommandLine(), commands);
    for (CommandSpec command : commands) {
      for (String line : command.usageMessage().description()) {
        assertThat(String.format(line).length()).as("help of '%s': %s", command.qualifiedName(), line)
            .isLessThanOrEqualTo(command.usageMessage().width());
      }
    }
    String demo = new CommandLine(FloeCli.newCommandLine().getSubcommands().get("demo").getCommandSpec())
        .getUsageMessage();
    assertThat(demo).contains("Lay out an example project in a scratch directory, generate its data, build it,"
        + System.lineSeparator() + "change the data, build again incrementally, and time travel.");
    // An item of the list keeps its indentation, and its next lines hang under it.
    assertThat(demo).contains(System.lineSeparator() + "  meter: the meter data vault (examples/meter, seed 000):"
        + " an embedded" + System.lineSeparator() + "    PostgreSQL, hubs, links,");
  }

  private static void collect(CommandLine command, List<CommandSpec> into) {
    into.add(command.getCommandSpec());
    command.getSubcommands().values().forEach(sub -> collect(sub, into));
  }
}
