package io.floe.ingest;

import io.floe.core.project.Project;
import io.floe.ingest.spi.SourceConnector;
import io.floe.spark.FloeEngine;
import io.floe.spark.sql.QueryResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A project in a temp directory with a {@code sources:} section, and the calls tests make on it:
 * ingest, query. Connector tests in other modules use it through the test jar.
 */
public final class IngestFixture implements AutoCloseable {
  private final Path root;
  private final Map<String, SourceConnector> connectors;
  private FloeEngine engine;

  /**
   * @param sourcesYaml the lines under {@code sources:}, indented by two spaces
   * @param connectors connectors by type, or null for those on the class path
   */
  public IngestFixture(Path root, String sourcesYaml, Map<String, SourceConnector> connectors) {
    this.root = root;
    this.connectors = connectors;
    writeConfig(sourcesYaml);
  }

  public Path root() {
    return root;
  }

  /** Replaces floe.yaml's sources, keeping the catalog and the tables. */
  public void writeConfig(String sourcesYaml) {
    try {
      Files.createDirectories(root);
      Files.writeString(root.resolve("floe.yaml"), "name: fixture\nsources:\n" + sourcesYaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Project project() {
    return Project.load(root);
  }

  public ProjectSources sources() {
    return connectors == null ? ProjectSources.load(project()) : ProjectSources.load(project(), connectors);
  }

  public FloeEngine engine() {
    if (engine == null) {
      engine = FloeEngine.open(project());
    }
    return engine;
  }

  public Ingestion ingestion() {
    return new Ingestion(engine(), sources());
  }

  /** Runs the named sources (all when none are named) and returns what each did. */
  public List<SourceRun> ingest(String... names) {
    Ingestion ingestion = ingestion();
    List<SourceRun> runs = new ArrayList<>();
    for (var definition : sources().select(List.of(names))) {
      runs.add(ingestion.run(definition, (source, batch, result, done, total, bytes, bytesTotal, elapsed) -> { }));
    }
    return runs;
  }

  /** The rows of a query, each as a list of values. */
  public List<List<Object>> rows(String sql) {
    QueryResult result = engine().sql(sql, 100_000);
    return result.rows();
  }

  /** The single value a query returns. */
  public Object value(String sql) {
    return rows(sql).get(0).get(0);
  }

  public Path write(String relativePath, String content) {
    try {
      Path file = root.resolve(relativePath);
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (engine != null) {
      engine.close();
    }
  }
}
