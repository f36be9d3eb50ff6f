package io.floe.core.error;

import static java.util.Objects.requireNonNull;

/**
 * A failure with a message a user can act on: "Cannot &lt;action&gt; &lt;object&gt;: &lt;reason&gt;", one line,
 * never containing a secret value. The category decides the exit code.
 */
public class FloeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCategory category;

  public FloeException(ErrorCategory category, String message) {
    this(category, message, null);
  }

  public FloeException(ErrorCategory category, String message, Throwable cause) {
    super(requireNonNull(message, "message is null"), cause);
    this.category = requireNonNull(category, "category is null");
  }

  public ErrorCategory category() {
    return category;
  }

  /** A {@link ErrorCategory#USER} failure; the message is {@link String#format}ted with the args. */
  public static FloeException user(String format, Object... args) {
    return new FloeException(ErrorCategory.USER, format(format, args));
  }

  /** A {@link ErrorCategory#USER} failure caused by {@code cause}. */
  public static FloeException user(Throwable cause, String format, Object... args) {
    return new FloeException(ErrorCategory.USER, format(format, args), cause);
  }

  /** An {@link ErrorCategory#EXTERNAL} failure; the message is formatted with the args. */
  public static FloeException external(String format, Object... args) {
    return new FloeException(ErrorCategory.EXTERNAL, format(format, args));
  }

  /** An {@link ErrorCategory#EXTERNAL} failure caused by {@code cause}. */
  public static FloeException external(Throwable cause, String format, Object... args) {
    return new FloeException(ErrorCategory.EXTERNAL, format(format, args), cause);
  }

  /** A {@link ErrorCategory#CONFLICT}: another run got there first; the message is formatted with the args. */
  public static FloeException conflict(String format, Object... args) {
    return new FloeException(ErrorCategory.CONFLICT, format(format, args));
  }

  /** A {@link ErrorCategory#CONFLICT} caused by {@code cause}. */
  public static FloeException conflict(Throwable cause, String format, Object... args) {
    return new FloeException(ErrorCategory.CONFLICT, format(format, args), cause);
  }

  /** A {@link ErrorCategory#CANCELLED} run; the message is formatted with the args. */
  public static FloeException cancelled(String format, Object... args) {
    return new FloeException(ErrorCategory.CANCELLED, format(format, args));
  }

  /** An {@link ErrorCategory#INTERNAL} failure (a bug); the message is formatted with the args. */
  public static FloeException internal(String format, Object... args) {
    return new FloeException(ErrorCategory.INTERNAL, format(format, args));
  }

  /** An {@link ErrorCategory#INTERNAL} failure caused by {@code cause}. */
  public static FloeException internal(Throwable cause, String format, Object... args) {
    return new FloeException(ErrorCategory.INTERNAL, format(format, args), cause);
  }

  // Without args the text is used as-is, so a message that contains '%' (a value seen) cannot break.
  private static String format(String format, Object... args) {
    requireNonNull(format, "format is null");
    return args == null || args.length == 0 ? format : String.format(format, args);
  }
}
