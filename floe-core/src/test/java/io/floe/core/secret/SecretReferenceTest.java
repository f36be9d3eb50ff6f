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
  }

  @Test
  void textThatIsNotOneWholeReferenceIsNotParsed() {
    assertThat(SecretReference.parse("jdbc:${env:HOST}/db")).isEmpty();
    assertThat(SecretReference.parse("${vault:x}")).isEmpty();
    assertThat(SecretReference.parse("${env:}")).isEmpty();
    assertThat(SecretReference.parse(null)).isEqualTo(Optional.empty());
  }

  @Test
  void printsTheReferenceForm() {
    assertThat(new SecretReference("file", "secrets/pg")).hasToString("${file:secrets/pg}");
  }

  @Test
  void rejectsUnknownSchemes() {
    assertThatThrownBy(() -> new SecretReference("vault", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vault");
  }
}
