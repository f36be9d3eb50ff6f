package io.floe.models.render;

/** Scanning a template's text where Jinja cannot help: before it is rendered. */
public final class TemplateText {
  private TemplateText() {}

  /** The index of the ')' closing the '(' at {@code open}, skipping quoted strings; -1 when there is none. */
  public static int closingParenthesis(String text, int open) {
    int depth = 0;
    char quote = 0;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }
}
