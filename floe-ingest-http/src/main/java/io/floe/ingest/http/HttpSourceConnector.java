package io.floe.ingest.http;

import static io.floe.ingest.http.HttpSettings.*;

import io.floe.core.config.ConfigDocument;
import io.floe.core.config.ConfigField;
import io.floe.core.config.SourceLocation;
import io.floe.core.error.FloeException;
import io.floe.core.secret.ConfigValue;
import io.floe.ingest.spi.Source;
import io.floe.ingest.spi.SourceColumn;
import io.floe.ingest.spi.SourceConnector;
import io.floe.ingest.spi.SourceDefinition;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * HTTP/JSON APIs as sources: {@code type: http}. Everything a request needs is a setting (see
 * {@link HttpSettings}); this class checks them all before anything is read, naming file and line.
 */
public final class HttpSourceConnector implements SourceConnector {
  @Override
  public Set<String> types() {
    return Set.of("http");
  }

  @Override
  public List<ConfigField> settings(String type) {
    return HttpSettings.ALL;
  }

  @Override
  public Source create(SourceDefinition definition) {
    ConfigDocument settings = definition.settings();
    Path root = definition.projectRoot();
    positive(settings, BATCH_PAGES);
    positive(settings, BATCH_RECORDS);
    positive(settings, CONCURRENCY);
    if (settings.integer(RETRIES) < 0) {
      throw settings.invalid(RETRIES, "0 or more");
    }
    HttpItems items = items(settings);
    List<String> itemColumns = settings.stringList(ITEMS_COLUMNS);
    if (!itemColumns.isEmpty() && !items.any()) {
      throw settings.invalid(ITEMS_COLUMNS, "items.query or items.list to take the values from");
    }
    HttpWindows windows = windows(settings);
    HttpSource.Incremental incremental = new HttpSource.Incremental(settings.string(CURSOR_FIELD),
        settings.string(CURSOR_INITIAL), duration(settings, LOOK_BACK));

    Template url = new Template(settings.require(URL, "https://api.example.com/v1/items"));
    Map<String, HttpRequests.Value> params = values(settings, PARAMS);
    Map<String, HttpRequests.Value> headers = values(settings, HEADERS);
    Template body = settings.string(BODY) == null ? null : new Template(settings.string(BODY));
    checkVariables(settings, URL, url, windows, incremental, items);
    params.values().forEach(v -> checkVariables(settings, PARAMS, v.template(), windows, incremental, items));
    headers.values().forEach(v -> checkVariables(settings, HEADERS, v.template(), windows, incremental, items));
    if (body != null) {
      checkVariables(settings, BODY, body, windows, incremental, items);
    }

    ApiClient client = new ApiClient(definition.name(), duration(settings, TIMEOUT), settings.integer(RETRIES),
        duration(settings, BACKOFF), duration(settings, MAX_BACKOFF), rate(settings));
    ConfigValue urlSetting = new ConfigValue(URL.key(), url.text(), settings.location(URL), false);
    HttpRequests requests = new HttpRequests(settings.string(METHOD).toUpperCase(Locale.ROOT), urlSetting, params,
        headers,
        body, auth(settings, root), client, root);

    Map<String, String> declared = new LinkedHashMap<>();
    definition.schema().orElse(List.of()).forEach((SourceColumn column) -> declared.put(column.name(), column.type()));
    Map<String, FieldPath> fields = new LinkedHashMap<>();
    settings.map(RECORDS_FIELDS).forEach((column, path) -> {
      if (!(path instanceof String text)) {
        throw settings.invalid(RECORDS_FIELDS, "a path for column " + column + ", e.g. " + column + ": '[0]'");
      }
      try {
        fields.put(column, FieldPath.parse(text));
      } catch (IllegalArgumentException e) {
        throw settings.invalid(RECORDS_FIELDS, "for column " + column + " a path: " + e.getMessage());
      }
    });
    HttpRecords records = new HttpRecords(path(settings, RECORDS_PATH), settings.bool(RECORDS_ZIP), fields,
        HttpRecords.Nested.valueOf(settings.string(RECORDS_NESTED).toUpperCase(Locale.ROOT)), itemColumns, declared);
    if (incremental.cursorField() != null && !fields.isEmpty() && !fields.containsKey(incremental.cursorField())) {
      throw settings.invalid(CURSOR_FIELD, "one of the columns of records.fields " + fields.keySet());
    }
    return new HttpSource(definition.name(), requests, records, paginator(settings), items, windows, incremental,
        settings.integer(MAX_PAGES), settings.integer(BATCH_PAGES), settings.integer(BATCH_RECORDS),
        settings.integer(CONCURRENCY));
  }

  private static Paginator paginator(ConfigDocument settings) {
    Paginator.Kind kind = Paginator.Kind.valueOf(settings.string(PAGINATE).toUpperCase(Locale.ROOT).replace('-', '_'));
    if (kind == Paginator.Kind.CURSOR && settings.string(CURSOR_PATH) == null) {
      throw settings.invalid(PAGINATE, "paginate.cursor-path with paginate.type: cursor, e.g. meta.next_cursor");
    }
    if (kind == Paginator.Kind.NEXT_LINK && settings.string(NEXT_PATH) == null) {
      throw settings.invalid(PAGINATE, "paginate.next-path with paginate.type: next-link, e.g. links.next");
    }
    if (settings.integer(SIZE) < 0) {
      throw settings.invalid(SIZE, "0 or more");
    }
    return new Paginator(kind, settings.string(PAGE_PARAM), settings.integer(FIRST_PAGE), settings.string(SIZE_PARAM),
        settings.string(OFFSET_PARAM), settings.string(LIMIT_PARAM), settings.integer(SIZE),
        optionalPath(settings, TOTAL_PATH), optionalPath(settings, CURSOR_PATH), settings.string(CURSOR_PARAM),
        optionalPath(settings, NEXT_PATH));
  }

  private static Auth auth(ConfigDocument settings, Path root) {
    String type = settings.string(AUTH_TYPE);
    return switch (type) {
      case "none" -> Auth.NONE;
      case "bearer" -> Auth.bearer(secret(settings, AUTH_TOKEN, type), root);
      case "api-key" -> Auth.apiKey(secret(settings, AUTH_TOKEN, type), settings.string(AUTH_NAME),
          settings.string(AUTH_IN).equals("query"), root);
      case "basic" -> Auth.basic(settings.require(AUTH_USERNAME, "reader"), secret(settings, AUTH_PASSWORD, type),
          root);
      case "oauth2" -> Auth.oauth2(settings.require(AUTH_TOKEN_URL, "https://auth.example.com/oauth/token"),
          settings.require(AUTH_CLIENT_ID, "floe"), secret(settings, AUTH_CLIENT_SECRET, type),
          settings.string(AUTH_SCOPE), root);
      default -> throw settings.invalid(AUTH_TYPE, "none, bearer, api-key, basic or oauth2");
    };
  }

  private static ConfigValue secret(ConfigDocument settings, ConfigField field, String authType) {
    String raw = settings.string(field);
    if (raw == null || raw.isBlank()) {
      throw FloeException.user("%s: Missing key '%s' for auth.type: %s. Add it as a secret reference, e.g. %s:"
          + " ${env:API_TOKEN}", settings.location(AUTH_TYPE), field.key(), authType, field.key());
    }
    return ConfigValue.of(field, raw, settings.location(field));
  }

  private static HttpItems items(ConfigDocument settings) {
    String query = settings.string(ITEMS_QUERY);
    Map<String, Object> list = settings.map(ITEMS_LIST);
    if (query != null && !list.isEmpty()) {
      throw settings.invalid(ITEMS_LIST, "either items.query or items.list, not both");
    }
    if (query != null) {
      return HttpItems.query(query);
    }
    if (list.isEmpty()) {
      return HttpItems.none();
    }
    Map<String, Map<String, Object>> entries = new LinkedHashMap<>();
    list.forEach((key, values) -> {
      if (!(values instanceof Map<?, ?> map)) {
        throw settings.invalid(ITEMS_LIST, "a mapping of values for item " + key + ", e.g. " + key
            + ": {latitude: -33.9, longitude: 151.2}");
      }
      Map<String, Object> item = new LinkedHashMap<>();
      map.forEach((name, value) -> item.put(String.valueOf(name), value));
      entries.put(key, item);
    });
    return HttpItems.list(entries);
  }

  private static HttpWindows windows(ConfigDocument settings) {
    String start = settings.string(WINDOW_START);
    if (start == null) {
      for (ConfigField field : List.of(WINDOW_END, WINDOW_FORMAT)) {
        if (settings.entry(field).isPresent()) {
          throw settings.invalid(field, "window.start as well, where the first window begins");
        }
      }
      return null;
    }
    Instant from = instant(settings, WINDOW_START);
    Duration size = duration(settings, WINDOW_SIZE);
    if (size.isZero() || size.isNegative()) {
      throw settings.invalid(WINDOW_SIZE, "a positive duration, e.g. 7d");
    }
    Optional<Instant> end = settings.string(WINDOW_END) == null ? Optional.empty()
        : Optional.of(instant(settings, WINDOW_END));
    ZoneId zone;
    try {
      zone = ZoneId.of(settings.string(WINDOW_ZONE));
    } catch (java.time.DateTimeException e) {
      throw settings.invalid(WINDOW_ZONE, "a time zone such as UTC or Australia/Brisbane");
    }
    DateTimeFormatter format = null;
    if (settings.string(WINDOW_FORMAT) != null) {
      try {
        format = DateTimeFormatter.ofPattern(settings.string(WINDOW_FORMAT), Locale.ROOT);
      } catch (IllegalArgumentException e) {
        throw settings.invalid(WINDOW_FORMAT, "a java.time pattern such as yyyy-MM-dd'T'HH:mm:ss");
      }
    }
    return new HttpWindows(from.toString(), size, end, format, zone);
  }

  private static void checkVariables(ConfigDocument settings, ConfigField field, Template template,
      HttpWindows windows, HttpSource.Incremental incremental, HttpItems items) {
    for (String variable : template.variables()) {
      boolean known = variable.startsWith("window.") ? windows != null && Set.of("window.start", "window.end",
          "window.start_date", "window.end_date").contains(variable)
          : variable.equals("incremental.start") ? incremental.initial() != null
          : variable.startsWith("item.") && items.any();
      if (!known) {
        throw FloeException.user("%s: Unknown variable {{ %s }} in %s. Known: %s.", settings.location(field),
            variable, field.key(), known(windows, incremental, items));
      }
    }
  }

  private static String known(HttpWindows windows, HttpSource.Incremental incremental, HttpItems items) {
    List<String> names = new ArrayList<>();
    if (windows != null) {
      names.add("window.start, window.end, window.start_date, window.end_date");
    }
    if (incremental.initial() != null) {
      names.add("incremental.start");
    }
    if (items.any()) {
      names.add("item.<column>");
    }
    return names.isEmpty() ? "none: set window.start, incremental.initial or items.* to use variables"
        : String.join(", ", names);
  }

  private static Map<String, HttpRequests.Value> values(ConfigDocument settings, ConfigField field) {
    Map<String, HttpRequests.Value> values = new LinkedHashMap<>();
    SourceLocation at = settings.location(field);
    settings.map(field).forEach((name, value) -> {
      if (value == null || value instanceof Map || value instanceof List) {
        throw settings.invalid(field, "a text value for " + name);
      }
      String text = String.valueOf(value);
      ConfigValue secret = new ConfigValue(field.key() + "." + name, text, at, true);
      values.put(name, new HttpRequests.Value(new Template(text), secret.hasReference() ? secret : null));
    });
    return values;
  }

  private static JsonPath path(ConfigDocument settings, ConfigField field) {
    try {
      return JsonPath.parse(settings.string(field));
    } catch (IllegalArgumentException e) {
      throw settings.invalid(field, "a path like data[] or data[].results[].data[]");
    }
  }

  private static JsonPath optionalPath(ConfigDocument settings, ConfigField field) {
    return settings.string(field) == null ? null : path(settings, field);
  }

  private static Duration duration(ConfigDocument settings, ConfigField field) {
    try {
      return Durations.parse(settings.string(field));
    } catch (IllegalArgumentException e) {
      throw settings.invalid(field, e.getMessage());
    }
  }

  private static Instant instant(ConfigDocument settings, ConfigField field) {
    try {
      return Durations.instant(settings.string(field));
    } catch (IllegalArgumentException e) {
      throw settings.invalid(field, e.getMessage());
    }
  }

  private static double rate(ConfigDocument settings) {
    String text = settings.string(RATE);
    if (text == null) {
      return 0;
    }
    try {
      double rate = Double.parseDouble(text.strip());
      if (rate > 0) {
        return rate;
      }
    } catch (NumberFormatException e) {
      throw settings.invalid(RATE, "a positive number, e.g. 5 or 0.5");
    }
    throw settings.invalid(RATE, "a positive number, e.g. 5 or 0.5");
  }

  private static void positive(ConfigDocument settings, ConfigField field) {
    if (settings.integer(field) < 1) {
      throw settings.invalid(field, "a positive integer");
    }
  }
}
