package io.floe.core.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretReferenceTest {
  @Test
  void parsesAWholeReference() {
    assertThat(SecretReference.parse("${env:PG_PASSWORD}")).contains(new SecretReference("env", "PG_PASSWORD"));
    assertThat(SecretReference.parse("${file: ~/.pg }")).contains(new SecretReference("file", "~/.pg"));
    assertThat(SecretReference.parse("${vault:secret/pg#password}"))
        .contains(new SecretReference("vault", "secret/pg#password"));
  }

  @Test
  void textThatIsNotOneWholeReferenceIsNotParsed() {
    assertThat(SecretReference.parse("jdbc:${env:HOST}/db")).isEmpty();
    assertThat(SecretReference.parse("${aws:x}")).isEmpty();
    assertThat(SecretReference.parse("${env:}")).isEmpty();
    assertThat(SecretReference.parse(null)).isEqualTo(Optional.empty());
  }

  @Test
  void printsTheReferenceForm() {
    assertThat(new SecretReference("file", "secrets/pg")).hasToString("${file:secrets/pg}");
  }

  @Test
  void rejectsUnknownSchemes() {
    assertThatThrownBy(() -> new SecretReference("aws", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected env, file or vault, but was: aws");
  }
}
