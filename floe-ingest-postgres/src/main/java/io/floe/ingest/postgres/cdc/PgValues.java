package io.floe.ingest.postgres.cdc;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.HexFormat;

/**
 * PostgreSQL values in their text form (what {@code pgoutput} sends, and what {@code ::text}
 * selects in the initial snapshot) turned into the Java values of a source column. Both paths go
 * through here, so a row read by the snapshot and the same row read from the log are equal. Types
 * map as the batch PostgreSQL source maps them: integers, floats, numeric(p,s) (unbounded numeric
 * as decimal(38,9)), booleans, dates, timestamps as instants (a timestamp without zone read as
 * UTC), bytea as binary, and everything else (uuid, json, enums, arrays ...) as its text.
 */
final class PgValues {
  static final int BOOL = 16;
  static final int BYTEA = 17;
  static final int INT8 = 20;
  static final int INT2 = 21;
  static final int INT4 = 23;
  static final int OID = 26;
  static final int FLOAT4 = 700;
  static final int FLOAT8 = 701;
  static final int DATE = 1082;
  static final int TIMESTAMP = 1114;
  static final int TIMESTAMPTZ = 1184;
  static final int NUMERIC = 1700;

  /** What an unbounded numeric becomes, as in the batch source. */
  static final int UNBOUNDED_SCALE = 9;

  private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .toFormatter();
  private static final DateTimeFormatter OFFSET = new DateTimeFormatterBuilder()
      .append(LOCAL)
      .optionalStart().appendOffset("+HH:MM", "+00").optionalEnd()
      .optionalStart().appendOffset("+HH", "+00").optionalEnd()
      .toFormatter();

  private PgValues() {}

  /** The source column type of a PostgreSQL type. */
  static String columnType(int typeOid, int typeModifier) {
    return switch (typeOid) {
      case BOOL -> "boolean";
      case INT2, INT4 -> "int";
      case INT8, OID -> "bigint";
      case FLOAT4 -> "float";
      case FLOAT8 -> "double";
      case NUMERIC -> {
        if (typeModifier < 4) {
          yield "decimal(38," + UNBOUNDED_SCALE + ")";
        }
        int precision = ((typeModifier - 4) >> 16) & 0xffff;
        int scale = (typeModifier - 4) & 0xffff;
        yield precision > 38 ? "decimal(38," + Math.min(scale, 38) + ")" : "decimal(" + precision + "," + scale + ")";
      }
      case DATE -> "date";
      case TIMESTAMP, TIMESTAMPTZ -> "timestamp";
      case BYTEA -> "binary";
      default -> "string";
    };
  }

  /**
   * The Java value of {@code text} for a column of the given type.
   *
   * @throws IllegalArgumentException when the text does not fit the type (NaN in a numeric,
   *     infinity in a date), with the value
   */
  static Object parse(String text, int typeOid, int typeModifier) {
    if (text == null) {
      return null;
    }
    try {
      return switch (typeOid) {
        case BOOL -> text.equals("t") || text.equals("true");
        case INT2, INT4 -> Integer.parseInt(text);
        case INT8, OID -> Long.parseLong(text);
        case FLOAT4 -> Float.parseFloat(text);
        case FLOAT8 -> Double.parseDouble(text);
        case NUMERIC -> {
          BigDecimal value = new BigDecimal(text);
          int scale = typeModifier < 4 ? UNBOUNDED_SCALE : (typeModifier - 4) & 0xffff;
          yield value.setScale(Math.min(scale, 38), RoundingMode.HALF_UP);
        }
        case DATE -> LocalDate.parse(text);
        case TIMESTAMP -> LocalDateTime.parse(text, LOCAL).toInstant(ZoneOffset.UTC);
        case TIMESTAMPTZ -> OffsetDateTime.parse(text, OFFSET).toInstant();
        case BYTEA -> text.startsWith("\\x") ? HexFormat.of().parseHex(text, 2, text.length())
            : text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        default -> text;
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot read '" + text + "' as " + columnType(typeOid, typeModifier)
          + " (PostgreSQL type oid " + typeOid + "): " + e.getMessage(), e);
    }
  }

  /** Microseconds since 2000-01-01 UTC, PostgreSQL's epoch, as an instant. */
  static Instant fromPostgresMicros(long micros) {
    return Instant.ofEpochSecond(946_684_800L + Math.floorDiv(micros, 1_000_000L),
        Math.floorMod(micros, 1_000_000L) * 1_000L);
  }
}
