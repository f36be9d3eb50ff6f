package io.floe.bench;

/** A benchmark could not be prepared or run; its message says which, with what and why. */
final class BenchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BenchException(String message, Throwable cause) {
    super(message, cause);
  }

  BenchException(String message) {
    super(message);
  }
}
