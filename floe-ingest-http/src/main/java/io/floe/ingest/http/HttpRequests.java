package io.floe.ingest.http;

import static java.util.Objects.requireNonNull;

import io.floe.core.secret.ConfigValue;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The request template of a source ({@code url}, {@code params}, {@code headers}, {@code body}) made
 * into calls and sent: one page, or a whole series of pages. A value written as a secret reference
 * ({@code ${env:...}}, {@code ${vault:...}}) is resolved per call and shown as {@code ***}.
 */
final class HttpRequests {
  /** A value of params or headers: its template, and the secret it comes from, if any. */
  record Value(Template template, ConfigValue secret) {}

  /** One page fetched: its records, the next page's state (null after the last) and its size in bytes. */
  record Page(List<HttpRecords.Found> found, Map<String, String> next, long bytes) {}

  /** A whole series fetched. */
  record Series(List<HttpRecords.Found> found, int pages, long bytes) {}

  private final String method;
  private final ConfigValue urlSetting;
  private Template url;
  private final Map<String, Value> params;
  private final Map<String, Value> headers;
  private final Template body;
  private final Auth auth;
  private final ApiClient client;
  private final Path projectDir;

  HttpRequests(String method, ConfigValue url, Map<String, Value> params, Map<String, Value> headers, Template body,
      Auth auth, ApiClient client, Path projectDir) {
    this.method = requireNonNull(method, "method is null");
    this.urlSetting = requireNonNull(url, "url is null");
    this.params = new LinkedHashMap<>(params);
    this.headers = new LinkedHashMap<>(headers);
    this.body = body;
    this.auth = requireNonNull(auth, "auth is null");
    this.client = requireNonNull(client, "client is null");
    this.projectDir = requireNonNull(projectDir, "projectDir is null");
  }

  ApiClient client() {
    return client;
  }

  /** Fetches the page {@code state} of the series {@code variables} describe. */
  Page page(Paginator paginator, HttpRecords records, Map<String, String> variables, HttpItems.Item item,
      Map<String, String> state) {
    ApiCall call = call(variables, paginator.params(state), paginator.url(state));
    ApiClient.Response response = client.send(call, auth);
    List<HttpRecords.Found> found = records.find(response.body(), item.values(), call.method() + " " + call.display());
    return new Page(found, paginator.next(state, response.body(), response.headers(), found.size()), response.bytes());
  }

  /** Fetches every page of a series (at most {@code maxPages}, if above 0). */
  Series series(Paginator paginator, HttpRecords records, Map<String, String> variables, HttpItems.Item item,
      int maxPages) {
    List<HttpRecords.Found> found = new ArrayList<>();
    long bytes = 0;
    int pages = 0;
    Map<String, String> state = paginator.first();
    while (state != null && (maxPages <= 0 || pages < maxPages)) {
      Page page = page(paginator, records, variables, item, state);
      found.addAll(page.found());
      bytes += page.bytes();
      pages++;
      state = page.next();
    }
    return new Series(found, pages, bytes);
  }

  /** The call for one page: the template rendered, the page's parameters added (or the API's next URL). */
  ApiCall call(Map<String, String> variables, Map<String, String> pageParams, String nextUrl) {
    URI uri;
    String display;
    String base = url().render(variables, Urls::encode);
    if (nextUrl != null) {
      // A link the API gave carries its own parameters; only credentials are added to it.
      uri = URI.create(base).resolve(nextUrl);
      display = uri.toString();
    } else {
      StringBuilder full = new StringBuilder(base);
      StringBuilder shown = new StringBuilder(base);
      char separator = base.contains("?") ? '&' : '?';
      for (Map.Entry<String, Value> param : params.entrySet()) {
        String value = render(param.getValue(), variables);
        full.append(separator).append(Urls.encode(param.getKey())).append('=').append(Urls.encode(value));
        shown.append(separator).append(Urls.encode(param.getKey())).append('=')
            .append(param.getValue().secret() != null ? "***" : Urls.encode(value));
        separator = '&';
      }
      for (Map.Entry<String, String> param : pageParams.entrySet()) {
        String pair = Urls.encode(param.getKey()) + "=" + Urls.encode(param.getValue());
        full.append(separator).append(pair);
        shown.append(separator).append(pair);
        separator = '&';
      }
      uri = URI.create(full.toString());
      display = shown.toString();
    }
    Map<String, String> headerValues = new LinkedHashMap<>();
    headers.forEach((name, value) -> headerValues.put(name, render(value, variables)));
    String payload = body == null ? null : body.render(variables, Function.identity());
    if (payload != null && headerValues.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
      headerValues.put("Content-Type", "application/json");
    }
    return new ApiCall(method, uri, headerValues, payload, display);
  }

  // A ${env:...} in the URL (a base URL per environment) is resolved on first use, like a secret.
  private synchronized Template url() {
    if (url == null) {
      url = new Template(urlSetting.resolve(projectDir));
    }
    return url;
  }

  private String render(Value value, Map<String, String> variables) {
    if (value.secret() != null) {
      return value.secret().resolve(projectDir);
    }
    return value.template().render(variables, Function.identity());
  }
}
