package io.floe.ingest.http;

import io.floe.core.config.ConfigField;
import io.floe.core.config.ConfigType;
import java.util.List;

/** The settings of a {@code type: http} source, relative to the source entry. */
final class HttpSettings {
  static final ConfigField URL = new ConfigField("url", ConfigType.STRING, null,
      "The request URL, a template: {{ window.start }}, {{ item.NAME }} ... are replaced per request.", List.of(),
      true);
  static final ConfigField METHOD = new ConfigField("method", ConfigType.ENUM, "get",
      "The HTTP method.", List.of("get", "post"), false);
  static final ConfigField PARAMS = new ConfigField("params", ConfigType.MAP, null,
      "Query parameters (name: value template); a ${env:...} or ${vault:...} value is a secret and never printed.",
      List.of(), false);
  static final ConfigField HEADERS = new ConfigField("headers", ConfigType.MAP, null,
      "Request headers (name: value template); never printed.", List.of(), false);
  static final ConfigField BODY = new ConfigField("body", ConfigType.STRING, null,
      "The request body for method: post, a template (JSON is sent as application/json).", List.of(), false);

  static final ConfigField AUTH_TYPE = new ConfigField("auth.type", ConfigType.ENUM, "none",
      "Authentication: none, bearer (auth.token), api-key (auth.token in header or query auth.name), basic"
          + " (auth.username, auth.password) or oauth2 client credentials (auth.token-url, auth.client-id,"
          + " auth.client-secret, auth.scope).", List.of("none", "bearer", "api-key", "basic", "oauth2"), false);
  static final ConfigField AUTH_TOKEN = new ConfigField("auth.token", ConfigType.SECRET, null,
      "The bearer token or API key.", List.of(), false);
  static final ConfigField AUTH_NAME = new ConfigField("auth.name", ConfigType.STRING, "X-API-Key",
      "The header or query parameter that carries an api-key.", List.of(), false);
  static final ConfigField AUTH_IN = new ConfigField("auth.in", ConfigType.ENUM, "header",
      "Where an api-key goes: a header or a query parameter.", List.of("header", "query"), false);
  static final ConfigField AUTH_USERNAME = new ConfigField("auth.username", ConfigType.STRING, null,
      "The user for basic authentication.", List.of(), false);
  static final ConfigField AUTH_PASSWORD = new ConfigField("auth.password", ConfigType.SECRET, null,
      "The password for basic authentication.", List.of(), false);
  static final ConfigField AUTH_TOKEN_URL = new ConfigField("auth.token-url", ConfigType.STRING, null,
      "The OAuth2 token endpoint (client credentials grant).", List.of(), false);
  static final ConfigField AUTH_CLIENT_ID = new ConfigField("auth.client-id", ConfigType.STRING, null,
      "The OAuth2 client id.", List.of(), false);
  static final ConfigField AUTH_CLIENT_SECRET = new ConfigField("auth.client-secret", ConfigType.SECRET, null,
      "The OAuth2 client secret.", List.of(), false);
  static final ConfigField AUTH_SCOPE = new ConfigField("auth.scope", ConfigType.STRING, null,
      "The OAuth2 scope, if the API wants one.", List.of(), false);

  static final ConfigField RECORDS_PATH = new ConfigField("records.path", ConfigType.STRING, "",
      "Where the records are in a response, e.g. data[] or data[].results[].data[] ([] takes every element);"
          + " empty: the body itself (an array's elements, or one object).", List.of(), false);
  static final ConfigField RECORDS_ZIP = new ConfigField("records.zip", ConfigType.BOOLEAN, false,
      "The node at records.path is an object of parallel arrays (time: [...], value: [...]): one record per index.",
      List.of(), false);
  static final ConfigField RECORDS_FIELDS = new ConfigField("records.fields", ConfigType.MAP, null,
      "Columns as paths (column: path): relative to the record ([0], a.b), to an enclosing element (^.code,"
          + " ^^.metric) or to the response ($.latitude); default: the record's own fields.", List.of(), false);
  static final ConfigField RECORDS_NESTED = new ConfigField("records.nested", ConfigType.ENUM, "flatten",
      "Nested objects: flatten (a__b columns), struct (struct columns) or json (JSON text).",
      List.of("flatten", "struct", "json"), false);

  static final ConfigField ITEMS_QUERY = new ConfigField("items.query", ConfigType.STRING, null,
      "A SQL query over the project's tables: one request series per row, its columns as {{ item.NAME }}.",
      List.of(), false);
  static final ConfigField ITEMS_LIST = new ConfigField("items.list", ConfigType.MAP, null,
      "Items written out (key: {name: value, ...}): one request series per item, {{ item.key }} is its key.",
      List.of(), false);
  static final ConfigField ITEMS_COLUMNS = new ConfigField("items.columns", ConfigType.STRING_LIST, null,
      "Item values added to every row of the item's requests, e.g. [plant_id].", List.of(), false);

  static final ConfigField PAGINATE = new ConfigField("paginate.type", ConfigType.ENUM, "none",
      "Pagination: none, page-number, offset, cursor (a token in the body), next-link (a URL in the body) or"
          + " link-header (RFC 8288 Link: rel=\"next\").",
      List.of("none", "page-number", "offset", "cursor", "next-link", "link-header"), false);
  static final ConfigField PAGE_PARAM = new ConfigField("paginate.page-param", ConfigType.STRING, "page",
      "The page number parameter (page-number).", List.of(), false);
  static final ConfigField FIRST_PAGE = new ConfigField("paginate.first-page", ConfigType.INT, 1,
      "The first page's number (page-number).", List.of(), false);
  static final ConfigField SIZE_PARAM = new ConfigField("paginate.size-param", ConfigType.STRING, null,
      "The page size parameter (page-number), sent with paginate.size.", List.of(), false);
  static final ConfigField OFFSET_PARAM = new ConfigField("paginate.offset-param", ConfigType.STRING, "offset",
      "The offset parameter (offset).", List.of(), false);
  static final ConfigField LIMIT_PARAM = new ConfigField("paginate.limit-param", ConfigType.STRING, "limit",
      "The limit parameter (offset), sent with paginate.size.", List.of(), false);
  static final ConfigField SIZE = new ConfigField("paginate.size", ConfigType.INT, 0,
      "Records per page; a shorter page is the last. 0: not sent, an empty page is the last.", List.of(), false);
  static final ConfigField TOTAL_PATH = new ConfigField("paginate.total-path", ConfigType.STRING, null,
      "Where the body gives the total number of records, e.g. total_records; paging stops when all were read.",
      List.of(), false);
  static final ConfigField CURSOR_PATH = new ConfigField("paginate.cursor-path", ConfigType.STRING, null,
      "Where the body gives the next page's token (cursor), e.g. meta.next_cursor; null or absent ends paging.",
      List.of(), false);
  static final ConfigField CURSOR_PARAM = new ConfigField("paginate.cursor-param", ConfigType.STRING, "cursor",
      "The parameter that sends the token (cursor).", List.of(), false);
  static final ConfigField NEXT_PATH = new ConfigField("paginate.next-path", ConfigType.STRING, null,
      "Where the body gives the next page's URL (next-link), e.g. links.next.", List.of(), false);
  static final ConfigField MAX_PAGES = new ConfigField("paginate.max-pages", ConfigType.INT, 0,
      "Most pages per request series, a guard against an API that never ends; 0 for no limit.", List.of(), false);

  static final ConfigField WINDOW_START = new ConfigField("window.start", ConfigType.STRING, null,
      "Read the API in time windows from this date or time (2024-01-01, 2024-01-01T00:00:00Z) to window.end.",
      List.of(), false);
  static final ConfigField WINDOW_SIZE = new ConfigField("window.size", ConfigType.STRING, "1d",
      "The length of a window: 1h, 7d, 30d ...", List.of(), false);
  static final ConfigField WINDOW_END = new ConfigField("window.end", ConfigType.STRING, null,
      "Where windows end (a date or time); default: now. A later run continues from where the last ended.",
      List.of(), false);
  static final ConfigField WINDOW_FORMAT = new ConfigField("window.format", ConfigType.STRING, null,
      "How {{ window.start }} and {{ window.end }} are written, a java.time pattern; default ISO 8601 UTC"
          + " (2024-01-01T00:00:00Z).", List.of(), false);
  static final ConfigField WINDOW_ZONE = new ConfigField("window.zone", ConfigType.STRING, "UTC",
      "The time zone window.format and the *_date variables are written in, e.g. Australia/Brisbane.",
      List.of(), false);

  static final ConfigField CURSOR_FIELD = new ConfigField("incremental.cursor-field", ConfigType.STRING, null,
      "A column whose largest value is kept with the rows (e.g. updated_at); the next run sends it, less"
          + " incremental.look-back, as {{ incremental.start }}.", List.of(), false);
  static final ConfigField CURSOR_INITIAL = new ConfigField("incremental.initial", ConfigType.STRING, null,
      "{{ incremental.start }} before anything was loaded.", List.of(), false);
  static final ConfigField LOOK_BACK = new ConfigField("incremental.look-back", ConfigType.STRING, "0s",
      "Read again this far before the cursor (or the last window's end) for late data, e.g. 2h; use mode: upsert"
          + " so rows read twice replace themselves.", List.of(), false);

  static final ConfigField BATCH_PAGES = new ConfigField("batch.max-pages", ConfigType.INT, 100,
      "Pages per batch: each batch is committed with the position after its last page.", List.of(), false);
  static final ConfigField BATCH_RECORDS = new ConfigField("batch.max-records", ConfigType.INT, 100_000,
      "Records per batch, whichever of batch.max-pages and this comes first.", List.of(), false);

  static final ConfigField TIMEOUT = new ConfigField("timeout", ConfigType.STRING, "30s",
      "How long one request may take.", List.of(), false);
  static final ConfigField RETRIES = new ConfigField("retry.attempts", ConfigType.INT, 5,
      "Retries of a request that timed out, failed to connect, or got 429 or 5xx.", List.of(), false);
  static final ConfigField BACKOFF = new ConfigField("retry.backoff", ConfigType.STRING, "500ms",
      "The first retry's wait; it doubles each time, with jitter (a 429's Retry-After wins).", List.of(), false);
  static final ConfigField MAX_BACKOFF = new ConfigField("retry.max-backoff", ConfigType.STRING, "30s",
      "The longest wait between two attempts.", List.of(), false);
  static final ConfigField RATE = new ConfigField("requests-per-second", ConfigType.STRING, null,
      "At most this many requests a second (e.g. 5 or 0.5); default: no limit.", List.of(), false);
  static final ConfigField CONCURRENCY = new ConfigField("concurrency", ConfigType.INT, 1,
      "Requests in flight at once, across the items of a batch (pages of one series are sequential).",
      List.of(), false);

  static final List<ConfigField> ALL = List.of(URL, METHOD, PARAMS, HEADERS, BODY, AUTH_TYPE, AUTH_TOKEN,
      AUTH_NAME, AUTH_IN, AUTH_USERNAME, AUTH_PASSWORD, AUTH_TOKEN_URL, AUTH_CLIENT_ID, AUTH_CLIENT_SECRET,
      AUTH_SCOPE, RECORDS_PATH, RECORDS_ZIP, RECORDS_FIELDS, RECORDS_NESTED, ITEMS_QUERY, ITEMS_LIST, ITEMS_COLUMNS,
      PAGINATE, PAGE_PARAM, FIRST_PAGE, SIZE_PARAM, OFFSET_PARAM, LIMIT_PARAM, SIZE, TOTAL_PATH, CURSOR_PATH,
      CURSOR_PARAM, NEXT_PATH, MAX_PAGES, WINDOW_START, WINDOW_SIZE, WINDOW_END, WINDOW_FORMAT, WINDOW_ZONE,
      CURSOR_FIELD, CURSOR_INITIAL, LOOK_BACK, BATCH_PAGES, BATCH_RECORDS, TIMEOUT, RETRIES, BACKOFF, MAX_BACKOFF,
      RATE, CONCURRENCY);

  private HttpSettings() {}
}
