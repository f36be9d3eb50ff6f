package io.floe.cli.command;

import picocli.CommandLine.Command;

@Command(
    name = "tag",
    mixinStandardHelpOptions = true,
    description = {
      "Create, list or drop a table's tags: named, immutable snapshots.",
      "Read a tag with SELECT * FROM t VERSION AS OF 'name'."
    },
    subcommands = {TagCommand.Create.class, TagCommand.List.class, TagCommand.Drop.class})
final class TagCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a tag.")
  static final class Create extends RefCommands.Create {
    Create() {
      super(RefCommands.Kind.TAG);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List tags.")
  static final class List extends RefCommands.List {
    List() {
      super(RefCommands.Kind.TAG);
    }
  }

  @Command(name = "drop", mixinStandardHelpOptions = true, description = "Drop a tag.")
  static final class Drop extends RefCommands.Drop {
    Drop() {
      super(RefCommands.Kind.TAG);
    }
  }
}
