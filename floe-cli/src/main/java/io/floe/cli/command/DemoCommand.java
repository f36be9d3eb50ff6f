package io.floe.cli.command;

import io.floe.cli.demo.Demo;
import io.floe.cli.starter.StarterProject;
import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import io.floe.spark.FloeEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Create a project in a scratch directory, load sample data and show what Floe made:",
      "a partitioned Iceberg table, its snapshots, a tag and a time-travel query."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "Where to create the demo project (must be empty). Default: a new temp dir.")
  Path dir;

  @Option(names = "--rows", defaultValue = "10000", description = "Orders in the first load.")
  int rows;

  @Override
  public Integer call() throws IOException {
    long start = System.nanoTime();
    Path root = dir != null ? prepare(dir) : Files.createTempDirectory("floe-demo-");
    PrintWriter out = spec.commandLine().getOut();
    out.println("Floe demo: project in " + root);
    out.flush();
    Project project = StarterProject.create(root, "floe_demo");
    try (FloeEngine engine = FloeEngine.open(project)) {
      new Demo(engine, out).run(rows, rows / 2);
    }
    out.printf(
        "%nDone in %.1f s. Explore it:%n"
            + "  ./floe -p %s tables%n"
            + "  ./floe -p %s show bronze.orders%n"
            + "  ./floe -p %s sql \"SELECT * FROM bronze.orders VERSION AS OF 'first_load' LIMIT 5\"%n",
        (System.nanoTime() - start) / 1e9, root, root, root);
    out.flush();
    return 0;
  }

  private static Path prepare(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(root);
      try (Stream<Path> entries = Files.list(root)) {
        if (entries.findAny().isPresent()) {
          throw FloeException.user(
              "Cannot create the demo project in %s: the directory is not empty. Pass an empty"
                  + " or new --dir.",
              root);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the demo directory " + root, e);
    }
    return root;
  }
}
