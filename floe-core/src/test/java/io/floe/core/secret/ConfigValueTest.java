package io.floe.core.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.config.FloeSettings;
import io.floe.core.config.SourceLocation;
import io.floe.core.error.ErrorCategory;
import io.floe.core.error.FloeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigValueTest {
  private static final Function<String, String> ENV =
      Map.of("PG_PASSWORD", "s3cr3t", "PGHOST", "db.internal")::get;

  @TempDir Path projectDir;

  @Test
  void plainValueResolvesToItself() {
    assertThat(value("catalog.user", "floe").resolve(projectDir, ENV)).isEqualTo("floe");
  }

  @Test
  void environmentReferenceResolvesFromTheEnvironment() {
    assertThat(password("${env:PG_PASSWORD}").resolve(projectDir, ENV)).isEqualTo("s3cr3t");
  }

  @Test
  void referenceInsideTextIsReplaced() {
    ConfigValue uri = value("catalog.uri", "jdbc:postgresql://${env:PGHOST}:5432/${env:PG_PASSWORD}x");

    assertThat(uri.resolve(projectDir, ENV)).isEqualTo("jdbc:postgresql://db.internal:5432/s3cr3tx");
  }

  @Test
  void missingEnvironmentVariableNamesLocationAndFieldButNoValue() {
    ConfigValue password = password("${env:PG_PASSWORD}");

    assertThatThrownBy(() -> password.resolve(projectDir, name -> null))
        .isInstanceOfSatisfying(FloeException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessage("floe.yaml:9: Cannot resolve catalog.password: environment variable PG_PASSWORD is not set "
            + "(referenced as ${env:PG_PASSWORD}). Set it or change the reference.");
  }

  @Test
  void errorInOneReferenceNeverShowsAnotherResolvedValue() {
    ConfigValue uri = value("catalog.uri", "jdbc:postgresql://${env:PG_PASSWORD}@${env:MISSING}/db");

    assertThatThrownBy(() -> uri.resolve(projectDir, ENV))
        .hasMessageContaining("environment variable MISSING is not set")
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void fileReferenceReadsTheFileRelativeToTheProject() throws IOException {
    Files.createDirectories(projectDir.resolve("secrets"));
    Files.writeString(projectDir.resolve("secrets/pg"), "from-file\n");

    assertThat(password("${file:secrets/pg}").resolve(projectDir, ENV)).isEqualTo("from-file");
  }

  @Test
  void fileReferenceKeepsSpacesThatArePartOfTheValue() throws IOException {
    Path absolute = projectDir.resolve("token.txt");
    Files.writeString(absolute, " spaced out \r\n");

    assertThat(password("${file:" + absolute + "}").resolve(Path.of("elsewhere"), ENV)).isEqualTo(" spaced out ");
  }

  @Test
  void missingFileNamesLocationFieldAndPath() {
    Path expected = projectDir.resolve("secrets/none").toAbsolutePath();

    assertThatThrownBy(() -> password("${file:secrets/none}").resolve(projectDir, ENV))
        .isInstanceOf(FloeException.class)
        .hasMessage("floe.yaml:9: Cannot resolve catalog.password: file %s does not exist "
            + "(referenced as ${file:secrets/none}). Create it or change the reference.", expected);
  }

  @Test
  void emptyReferenceIsAnError() {
    assertThatThrownBy(() -> password("${env:}").resolve(projectDir, ENV))
        .hasMessage("floe.yaml:9: Cannot resolve catalog.password: the reference ${env:} names nothing. "
            + "Write ${env:NAME}, ${file:PATH} or ${vault:PATH#KEY}.");
  }

  @Test
  void toStringNeverShowsASecret() {
    assertThat(password("hunter2")).hasToString("****");
    assertThat(password("abc${env:PG_PASSWORD}")).hasToString("****");
    assertThat(password("${env:PG_PASSWORD}")).hasToString("${env:PG_PASSWORD}");
    assertThat(value("catalog.uri", "jdbc:postgresql://${env:PGHOST}/db"))
        .hasToString("jdbc:postgresql://${env:PGHOST}/db");
    assertThat(value("catalog.user", "floe")).hasToString("floe");
  }

  @Test
  void secretnessComesFromTheField() {
    SourceLocation at = new SourceLocation(Path.of("floe.yaml"), 3);

    assertThat(ConfigValue.of(FloeSettings.CATALOG_TOKEN, "t", at).isSecret()).isTrue();
    assertThat(ConfigValue.of(FloeSettings.CATALOG_URI, "u", at).isSecret()).isFalse();
  }

  private static ConfigValue password(String raw) {
    return new ConfigValue("catalog.password", raw, new SourceLocation(Path.of("/p/floe.yaml"), 9), true);
  }

  private static ConfigValue value(String key, String raw) {
    return new ConfigValue(key, raw, new SourceLocation(Path.of("/p/floe.yaml"), 9), false);
  }
}
