package io.floe.cli.output;

/** How a command prints its result: {@code --output table|json|csv}. */
public enum OutputFormat {
  TABLE,
  JSON,
  CSV
}
