package io.floe.cli.command;

import picocli.CommandLine.Option;

/** dbt's {@code --full-refresh}, for the commands that run models. */
final class FullRefreshOption {
  @Option(names = "--full-refresh", description = "Run every selected model, even those whose SQL, config and"
      + " inputs did not change since they were published, and rebuild incremental tables from their whole SELECT.")
  boolean fullRefresh;
}
