package io.floe.cli.command;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code floe}: the root command; holds the options every subcommand shares. */
@Command(
    name = "floe",
    mixinStandardHelpOptions = true,
    versionProvider = FloeCommand.Version.class,
    description = "Floe: ingest, model and publish Apache Iceberg tables in one JVM.",
    subcommands = {
      InitCommand.class,
      SqlCommand.class,
      IngestCommand.class,
      SourcesCommand.class,
      BuildCommand.class,
      SeedCommand.class,
      RunCommand.class,
      TestCommand.class,
      CompileCommand.class,
      LsCommand.class,
      RunsCommand.class,
      TablesCommand.class,
      MaintainCommand.class,
      ShowCommand.class,
      SnapshotsCommand.class,
      RollbackCommand.class,
      BranchCommand.class,
      TagCommand.class,
      ConfigCommand.class,
      ServeCommand.class,
      DemoCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 ok, 1 user error (bad config, bad SQL, unknown table), 2 internal error."
    })
public final class FloeCommand implements Runnable {
  @Option(
      names = {"-p", "--project"},
      scope = ScopeType.INHERIT,
      paramLabel = "DIR",
      description = "Project directory (holds floe.yaml). Default: the current directory.")
  Path projectDir;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Show progress logs; -vv shows Spark's logs too. Errors show stack traces.")
  boolean[] verbose = new boolean[0];

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  public int verbosity() {
    return verbose.length;
  }

  Path projectDir() {
    return projectDir != null ? projectDir : Path.of("").toAbsolutePath();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads the version Maven wrote into the jar. */
  public static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties properties = new Properties();
      try (InputStream in = FloeCommand.class.getResourceAsStream("/io/floe/cli/version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      return new String[] {
        "floe " + properties.getProperty("version", "unknown"),
        "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()
            + ", Iceberg " + org.apache.iceberg.IcebergBuild.version()
            + ", Java " + System.getProperty("java.version")
      };
    }
  }
}
