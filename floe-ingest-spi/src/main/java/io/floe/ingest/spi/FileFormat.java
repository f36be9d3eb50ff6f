package io.floe.ingest.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** How the files of a {@link FileInput} are written. */
public sealed interface FileFormat {
  /** The format's name in floe.yaml and in logs. */
  String name();

  /**
   * Delimited text.
   *
   * @param header whether the first line of each file names the columns
   * @param delimiter the field separator, one character
   * @param quote the quote character
   * @param escape the character that escapes a quote inside a quoted field ({@code "} for RFC 4180)
   * @param encoding the character set, e.g. UTF-8 or ISO-8859-1
   * @param nullValues the texts that mean NULL, e.g. the empty string and {@code NA}
   */
  record Csv(boolean header, String delimiter, String quote, String escape, String encoding,
      List<String> nullValues) implements FileFormat {
    public Csv {
      requireNonNull(delimiter, "delimiter is null");
      requireNonNull(quote, "quote is null");
      requireNonNull(escape, "escape is null");
      requireNonNull(encoding, "encoding is null");
      nullValues = List.copyOf(requireNonNull(nullValues, "nullValues is null"));
    }

    @Override
    public String name() {
      return "csv";
    }
  }

  /** One JSON object per line, in UTF-8 (as RFC 8259 requires). */
  record JsonLines() implements FileFormat {
    @Override
    public String name() {
      return "json";
    }
  }

  /** Apache Parquet; the files carry their own schema. */
  record Parquet() implements FileFormat {
    @Override
    public String name() {
      return "parquet";
    }
  }
}
