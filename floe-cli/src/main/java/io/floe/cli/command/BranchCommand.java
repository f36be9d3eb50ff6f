package io.floe.cli.command;

import picocli.CommandLine.Command;

@Command(
    name = "branch",
    mixinStandardHelpOptions = true,
    description = {
      "Create, list or drop a table's branches. Read a branch with",
      "SELECT * FROM t VERSION AS OF 'name'; write to it with INSERT INTO t.branch_name."
    },
    subcommands = {BranchCommand.Create.class, BranchCommand.List.class, BranchCommand.Drop.class})
final class BranchCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a branch.")
  static final class Create extends RefCommands.Create {
    Create() {
      super(RefCommands.Kind.BRANCH);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List branches.")
  static final class List extends RefCommands.List {
    List() {
      super(RefCommands.Kind.BRANCH);
    }
  }

  @Command(name = "drop", mixinStandardHelpOptions = true, description = "Drop a branch.")
  static final class Drop extends RefCommands.Drop {
    Drop() {
      super(RefCommands.Kind.BRANCH);
    }
  }
}
