package io.floe.ingest.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** URL pieces. */
final class Urls {
  private Urls() {}

  /** A query parameter's name or value, percent-encoded (a space as %20, which every server reads). */
  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
