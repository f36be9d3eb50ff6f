package io.floe.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Moves through the pages of one request series. A page's state is a small map of strings
 * ({@code page}, {@code offset}, {@code cursor} or {@code url}, and {@code seen}, the records read so
 * far), so it can be committed with the rows and a killed run resumes at the page after the last
 * one committed.
 */
final class Paginator {
  private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*((?:;\\s*[^;,]+)*)");
  private static final Pattern REL_NEXT = Pattern.compile(";\\s*rel\\s*=\\s*\"?([^\";]*)\"?");

  enum Kind { NONE, PAGE_NUMBER, OFFSET, CURSOR, NEXT_LINK, LINK_HEADER }

  private final Kind kind;
  private final String pageParam;
  private final int firstPage;
  private final String sizeParam;
  private final String offsetParam;
  private final String limitParam;
  private final int size;
  private final JsonPath totalPath;
  private final JsonPath cursorPath;
  private final String cursorParam;
  private final JsonPath nextPath;

  Paginator(Kind kind, String pageParam, int firstPage, String sizeParam, String offsetParam, String limitParam,
      int size, JsonPath totalPath, JsonPath cursorPath, String cursorParam, JsonPath nextPath) {
    this.kind = kind;
    this.pageParam = pageParam;
    this.firstPage = firstPage;
    this.sizeParam = sizeParam;
    this.offsetParam = offsetParam;
    this.limitParam = limitParam;
    this.size = size;
    this.totalPath = totalPath;
    this.cursorPath = cursorPath;
    this.cursorParam = cursorParam;
    this.nextPath = nextPath;
  }

  /** The first page's state. */
  Map<String, String> first() {
    Map<String, String> state = new LinkedHashMap<>();
    switch (kind) {
      case PAGE_NUMBER -> state.put("page", String.valueOf(firstPage));
      case OFFSET -> state.put("offset", "0");
      default -> { }
    }
    state.put("seen", "0");
    return state;
  }

  /** The query parameters this page adds to the request's own. */
  Map<String, String> params(Map<String, String> state) {
    Map<String, String> params = new LinkedHashMap<>();
    switch (kind) {
      case PAGE_NUMBER -> {
        params.put(pageParam, state.get("page"));
        if (sizeParam != null && size > 0) {
          params.put(sizeParam, String.valueOf(size));
        }
      }
      case OFFSET -> {
        params.put(offsetParam, state.get("offset"));
        if (size > 0) {
          params.put(limitParam, String.valueOf(size));
        }
      }
      case CURSOR -> {
        if (state.containsKey("cursor")) {
          params.put(cursorParam, state.get("cursor"));
        }
      }
      default -> { }
    }
    return params;
  }

  /** The URL the API gave for this page (next-link, link-header), which replaces the request's own. */
  String url(Map<String, String> state) {
    return state.get("url");
  }

  /** The state of the page after this one, or null when this was the last. */
  Map<String, String> next(Map<String, String> state, JsonNode body, HttpHeaders headers, int records) {
    long seen = Long.parseLong(state.getOrDefault("seen", "0")) + records;
    Map<String, String> next = new LinkedHashMap<>();
    switch (kind) {
      case NONE -> {
        return null;
      }
      case PAGE_NUMBER -> {
        if (records == 0 || (size > 0 && records < size) || allRead(body, seen)) {
          return null;
        }
        next.put("page", String.valueOf(Long.parseLong(state.get("page")) + 1));
      }
      case OFFSET -> {
        if (records == 0 || (size > 0 && records < size) || allRead(body, seen)) {
          return null;
        }
        next.put("offset", String.valueOf(Long.parseLong(state.get("offset")) + records));
      }
      case CURSOR -> {
        String token = text(cursorPath.get(body));
        if (token == null || token.equals(state.get("cursor"))) {
          return null;
        }
        next.put("cursor", token);
      }
      case NEXT_LINK -> {
        String url = text(nextPath.get(body));
        if (url == null || url.equals(state.get("url"))) {
          return null;
        }
        next.put("url", url);
      }
      case LINK_HEADER -> {
        String url = nextLink(headers.allValues("Link"));
        if (url == null || url.equals(state.get("url"))) {
          return null;
        }
        next.put("url", url);
      }
      default -> throw new IllegalStateException("Unknown pagination " + kind);
    }
    next.put("seen", String.valueOf(seen));
    return next;
  }

  private boolean allRead(JsonNode body, long seen) {
    if (totalPath == null) {
      return false;
    }
    JsonNode total = totalPath.get(body);
    return total != null && total.canConvertToLong() && seen >= total.asLong();
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() || node.asText().isEmpty() ? null : node.asText();
  }

  /** The rel="next" target of Link headers (RFC 8288), or null. */
  static String nextLink(List<String> values) {
    for (String value : values) {
      Matcher link = LINK.matcher(value);
      while (link.find()) {
        Matcher rel = REL_NEXT.matcher(link.group(2));
        while (rel.find()) {
          for (String name : rel.group(1).strip().split("\\s+")) {
            if (name.equalsIgnoreCase("next")) {
              return link.group(1);
            }
          }
        }
      }
    }
    return null;
  }
}
