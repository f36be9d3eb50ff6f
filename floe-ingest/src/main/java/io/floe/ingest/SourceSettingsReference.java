package io.floe.ingest;

import io.floe.core.config.SettingsReference;
import io.floe.ingest.spi.SourceConnector;
import io.floe.ingest.spi.SourceSettings;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The reference of {@code sources.<name>.*} settings, from the declarations of every connector on the class path. */
public final class SourceSettingsReference {
  private SourceSettingsReference() {}

  /** Markdown: the settings every source takes, then those of each type. */
  public static String markdown() {
    Map<String, SourceConnector> connectors = new TreeMap<>();
    ServiceLoader.load(SourceConnector.class).forEach(connector ->
        connector.types().forEach(type -> connectors.put(type, connector)));
    StringBuilder text = new StringBuilder()
        .append("\n## Sources\n\nEach entry of `sources:` is a source by name; keys are relative to it ")
        .append("(`sources.orders.csv.delimiter` is written under `orders:` as `csv:` then `delimiter:`).\n\n")
        .append("Every source:\n\n")
        .append(SettingsReference.markdown(SourceSettings.all()));
    connectors.forEach((type, connector) -> text.append("\n`type: ").append(type).append("`:\n\n")
        .append(SettingsReference.markdown(connector.settings(type))));
    return text.toString();
  }
}
