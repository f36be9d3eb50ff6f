package io.floe.ingest;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A test with a project in a temp directory whose sources it declares, closed after each test. */
public abstract class IngestProjectTest {
  @TempDir protected Path dir;
  protected IngestFixture fixture;

  /** Creates the project with the lines under {@code sources:}, with the connectors on the class path. */
  protected IngestFixture project(String sourcesYaml) {
    fixture = new IngestFixture(dir, sourcesYaml, null);
    return fixture;
  }

  @AfterEach
  void closeFixture() {
    if (fixture != null) {
      fixture.close();
    }
  }
}
