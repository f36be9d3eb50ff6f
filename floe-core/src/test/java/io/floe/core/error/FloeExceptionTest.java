package io.floe.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class FloeExceptionTest {
  @Test
  void factoriesFormatTheMessageAndSetTheCategory() {
    FloeException user = FloeException.user("Cannot load %s: %s", "floe.yaml", "missing");

    assertThat(user).hasMessage("Cannot load floe.yaml: missing");
    assertThat(user.category()).isEqualTo(ErrorCategory.USER);
    assertThat(FloeException.external("x").category()).isEqualTo(ErrorCategory.EXTERNAL);
    assertThat(FloeException.internal("x").category()).isEqualTo(ErrorCategory.INTERNAL);
    assertThat(FloeException.conflict("x").category()).isEqualTo(ErrorCategory.CONFLICT);
  }

  @Test
  void messageWithoutArgumentsIsNotFormatted() {
    assertThat(FloeException.user("Cannot use 100% of memory")).hasMessage("Cannot use 100% of memory");
  }

  @Test
  void keepsTheCause() {
    IOException cause = new IOException("disk full");

    assertThat(FloeException.external(cause, "Cannot write %s", "x")).hasMessage("Cannot write x").hasCause(cause);
  }

  @Test
  void categoriesMapToExitCodes() {
    assertThat(ErrorCategory.USER.exitCode()).isEqualTo(1);
    assertThat(ErrorCategory.INTERNAL.exitCode()).isEqualTo(2);
    assertThat(ErrorCategory.EXTERNAL.exitCode()).isEqualTo(3);
    assertThat(ErrorCategory.CONFLICT.exitCode()).isEqualTo(4);
  }
}
