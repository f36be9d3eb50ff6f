package io.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JavaRuntimeCheckTest {
  @Test
  void java17And21RunAndJava23OnIsRefusedWithWhatToDo() {
    assertThat(JavaRuntimeCheck.problem(17, "/jdk17")).isEmpty();
    assertThat(JavaRuntimeCheck.problem(21, "/jdk21")).isEmpty();
    assertThat(JavaRuntimeCheck.problem(25, "/usr/lib/jvm/temurin-25")).hasValueSatisfying(message ->
        assertThat(message).contains("Java 25").contains("/usr/lib/jvm/temurin-25")
            .contains("Subject.getSubject").contains("JAVA_HOME").contains("Java 17 or 21"));
    assertThat(JavaRuntimeCheck.problem(23, "/jdk23")).isPresent();
  }
}
