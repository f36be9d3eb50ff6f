package io.floe.ingest.http;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One request, ready to send.
 *
 * @param display the URL as errors and logs show it: secret query values replaced by {@code ***}
 * @param body the body of a POST, or null
 */
record ApiCall(String method, URI uri, Map<String, String> headers, String body, String display) {
  ApiCall {
    requireNonNull(method, "method is null");
    requireNonNull(uri, "uri is null");
    headers = Map.copyOf(requireNonNull(headers, "headers is null"));
    requireNonNull(display, "display is null");
  }

  /** This call with one more header (authentication). */
  ApiCall withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new ApiCall(method, uri, more, body, display);
  }

  /** This call with one more query parameter whose value is secret (an API key). */
  ApiCall withSecretParam(String name, String value) {
    String separator = uri.getRawQuery() == null ? "?" : "&";
    URI more = URI.create(uri + separator + Urls.encode(name) + "=" + Urls.encode(value));
    String shown = display + (display.contains("?") ? "&" : "?") + Urls.encode(name) + "=***";
    return new ApiCall(method, more, headers, body, shown);
  }
}
