package io.floe.bench;

import io.floe.cli.FloeCli;
import io.floe.cli.S3ProxyServer;
import io.floe.examples.ecommerce.GeneratedData;
import io.floe.examples.ecommerce.GeneratedFile;
import io.floe.examples.projects.ExampleProjects;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Benchmark 11: {@code floe build} of examples/ecommerce with its warehouse on S3 (S3Proxy on
 * 127.0.0.1 over its filesystem blob store, started by the bench) against the same build on the local
 * disk, both in the bench's JVM with the engine up and after an untimed build, in the same run. The
 * target: S3 at most 1.5x local.
 * Each run starts from an empty catalog and a new warehouse prefix.
 */
final class EcommerceS3Benchmark {
  static final String ID = "ecommerce_s3";
  static final String QUICK_SKIPS = "n/a (not run with --quick: two more full builds, one through S3Proxy)";
  private static final String ACCESS_KEY = "floe-bench";
  private static final String SECRET_KEY = "floe-bench-secret-0123456789";
  private static final String BUCKET = "bench";

  private final Runs runs;
  private final GeneratedData csv;
  private final Path work;
  private int s3Runs;

  EcommerceS3Benchmark(Runs runs, GeneratedData csv, Path work) {
    this.runs = runs;
    this.csv = csv;
    this.work = work.resolve("ecommerce-s3");
  }

  static List<Figure> notRun() {
    return List.of(Figure.notAvailable(ID, "floe_local", "floe build in the bench's JVM, warehouse on the local disk",
        QUICK_SKIPS), Figure.notAvailable(ID, "floe_s3", "floe build in the bench's JVM, warehouse on S3 (S3Proxy)",
        QUICK_SKIPS));
  }

  List<Figure> run() throws Exception {
    Path local = copyProject("local");
    Path s3Project = copyProject("s3");
    Files.writeString(s3Project.resolve("s3-secret"), SECRET_KEY);
    try (S3ProxyServer s3 = S3ProxyServer.start(Files.createDirectories(work.resolve("s3proxy")), ACCESS_KEY,
        SECRET_KEY)) {
      s3.createBucket(BUCKET);
      String yaml = Files.readString(s3Project.resolve("floe.yaml"));
      // Untimed: the first build in a JVM compiles Floe's and Spark's hot code; whichever side ran
      // first would pay it (93 s local against 58 s on S3 at 200,000 rows without this).
      build(local);
      Figure onDisk = runs.measure(ID, "floe_local", "floe build in the bench's JVM, warehouse on the local disk",
          () -> BenchFiles.deleteRecursively(local.resolve(".floe")), () -> build(local), () -> { });
      Figure onS3 = runs.measure(ID, "floe_s3", "floe build in the bench's JVM, warehouse on S3 (S3Proxy, "
              + "filesystem backend, on this machine)",
          () -> {
            BenchFiles.deleteRecursively(s3Project.resolve(".floe"));
            Files.writeString(s3Project.resolve("floe.yaml"), yaml + s3Settings(s3.endpoint(), ++s3Runs));
          },
          () -> build(s3Project),
          () -> {
            if (s3.keys(BUCKET, "run-" + s3Runs + "/").stream().noneMatch(key -> key.endsWith(".parquet"))) {
              throw new BenchException("Cannot trust the S3 figure: the bucket holds no data file of run " + s3Runs);
            }
          });
      return List.of(onDisk, onS3);
    }
  }

  private Path copyProject(String name) throws IOException {
    Path project = work.resolve(name);
    ExampleProjects.copy(ExampleProjects.ECOMMERCE, project);
    Files.createDirectories(project.resolve("landing"));
    for (GeneratedFile file : csv.files()) {
      Files.createLink(project.resolve("landing").resolve(file.path().getFileName()), file.path());
    }
    return project;
  }

  // Credentials as a user passes them: a secret reference, here to a file.
  private static String s3Settings(String endpoint, int run) {
    return """

        catalog:
          warehouse: s3://%s/run-%d
        storage:
          type: s3
          endpoint: %s
          region: us-east-1
          path-style-access: true
          access-key-id: %s
          secret-access-key: ${file:s3-secret}
        """.formatted(BUCKET, run, endpoint, ACCESS_KEY);
  }

  private static void build(Path project) {
    StringWriter out = new StringWriter();
    int exit = FloeCli.newCommandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(out))
        .execute("-p", project.toString(), "build");
    if (exit != 0 || !out.toString().contains("Published to main.")) {
      throw new BenchException("Cannot trust the figure of floe build in " + project + ": it exited with " + exit
          + " and did not publish. Its output:\n" + out);
    }
  }
}
