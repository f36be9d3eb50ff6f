package io.floe.ingest.postgres.cdc;

import static io.floe.ingest.postgres.PostgresTypeMapping.quote;

import io.floe.ingest.postgres.cdc.PgOutputMessage.RelationColumn;
import io.floe.ingest.postgres.cdc.PgOutputMessage.Value;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A table's primary key as the chunked snapshot orders it: PostgreSQL sorts the rows by it
 * ({@link #orderBy}, {@link #after}) and Java compares keys from the log the same way
 * ({@link #compare}). Only key types whose order Java reproduces exactly qualify: integers,
 * {@code uuid} (byte order, which is the order of its canonical text), and {@code text} or
 * {@code varchar} sorted with the {@code "C"} collation (code point order in a UTF-8 database).
 */
final class SnapshotKey {
  private static final int INT8 = 20;
  private static final int INT2 = 21;
  private static final int INT4 = 23;
  private static final int TEXT = 25;
  private static final int VARCHAR = 1043;
  private static final int UUID = 2950;

  private final List<String> names;
  private final List<Integer> types;
  private final List<Comparator<String>> comparators;
  // The key columns' places in a relation's columns, found once per relation (the log sends a
  // relation's columns again only when the table changed).
  private List<RelationColumn> indexedColumns;
  private int[] indexes;

  private SnapshotKey(List<String> names, List<Integer> types) {
    this.names = List.copyOf(names);
    this.types = List.copyOf(types);
    List<Comparator<String>> compare = new ArrayList<>();
    for (int type : types) {
      compare.add(switch (type) {
        case INT2, INT4, INT8 -> Comparator.comparingLong(Long::parseLong);
        case UUID -> Comparator.naturalOrder();
        default -> SnapshotKey::compareCodePoints;
      });
    }
    this.comparators = List.copyOf(compare);
  }

  /**
   * The key of a table with these columns, or empty when it has no primary key or one whose
   * order Java cannot reproduce (the snapshot is then read whole, in one batch).
   */
  static Optional<SnapshotKey> of(List<RelationColumn> columns, boolean utf8) {
    List<String> names = new ArrayList<>();
    List<Integer> types = new ArrayList<>();
    for (RelationColumn column : columns) {
      if (!column.key()) {
        continue;
      }
      boolean text = column.typeOid() == TEXT || column.typeOid() == VARCHAR;
      boolean ordered = column.typeOid() == INT2 || column.typeOid() == INT4 || column.typeOid() == INT8
          || column.typeOid() == UUID;
      if (!ordered && !(text && utf8)) {
        return Optional.empty();
      }
      names.add(column.name());
      types.add(column.typeOid());
    }
    return names.isEmpty() ? Optional.empty() : Optional.of(new SnapshotKey(names, types));
  }

  /** The key named by a stored position, typed from the log's description of the table. */
  static Optional<SnapshotKey> named(List<String> names, List<RelationColumn> columns) {
    List<Integer> types = new ArrayList<>();
    for (String name : names) {
      Optional<RelationColumn> column = columns.stream().filter(c -> c.name().equals(name)).findFirst();
      if (column.isEmpty()) {
        return Optional.empty();
      }
      types.add(column.get().typeOid());
    }
    return names.isEmpty() ? Optional.empty() : Optional.of(new SnapshotKey(names, types));
  }

  List<String> names() {
    return names;
  }

  /**
   * {@code ORDER BY} the key of the table aliased {@code alias}, text columns by code point. The
   * columns are qualified: a bare name would sort by a select list's column of that name (such as
   * {@code id::text}).
   */
  String orderBy(String alias) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      parts.add(column(alias, i));
    }
    return String.join(", ", parts);
  }

  /** A condition true for rows whose key comes after the one bound to its {@code ?} parameters, in order. */
  String after(String alias) {
    List<String> columns = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      columns.add(column(alias, i));
      values.add(isText(i) ? "?::text COLLATE \"C\"" : "?::" + sqlType(types.get(i)));
    }
    return "ROW(" + String.join(", ", columns) + ") > ROW(" + String.join(", ", values) + ")";
  }

  private String column(String alias, int i) {
    return alias + "." + quote(names.get(i)) + (isText(i) ? " COLLATE \"C\"" : "");
  }

  private boolean isText(int i) {
    return types.get(i) == TEXT || types.get(i) == VARCHAR;
  }

  private static String sqlType(int type) {
    return switch (type) {
      case INT2 -> "smallint";
      case INT4 -> "integer";
      case INT8 -> "bigint";
      default -> "uuid";
    };
  }

  /** Compares two keys, each the key columns' values as text, as {@link #orderBy} orders them. */
  int compare(List<String> left, List<String> right) {
    for (int i = 0; i < comparators.size(); i++) {
      int result = comparators.get(i).compare(left.get(i), right.get(i));
      if (result != 0) {
        return result;
      }
    }
    return 0;
  }

  /**
   * The key of a row from the log, by the relation's column names; empty when a key value is
   * missing (NULL or an unchanged TOAST value), which no key comparison can place.
   */
  Optional<List<String>> of(List<RelationColumn> columns, List<Value> values) {
    int[] indexes = indexesIn(columns);
    List<String> key = new ArrayList<>(indexes.length);
    for (int index : indexes) {
      if (index < 0 || index >= values.size() || values.get(index).kind() != Value.Kind.TEXT) {
        return Optional.empty();
      }
      key.add(values.get(index).text());
    }
    return Optional.of(key);
  }

  private int[] indexesIn(List<RelationColumn> columns) {
    if (columns != indexedColumns) {
      int[] found = new int[names.size()];
      for (int k = 0; k < found.length; k++) {
        found[k] = -1;
        for (int i = 0; i < columns.size(); i++) {
          if (columns.get(i).name().equals(names.get(k))) {
            found[k] = i;
            break;
          }
        }
      }
      indexes = found;
      indexedColumns = columns;
    }
    return indexes;
  }

  // Code point order: the "C" collation's byte order in UTF-8 (String.compareTo orders UTF-16 units).
  private static int compareCodePoints(String left, String right) {
    int i = 0;
    int j = 0;
    while (i < left.length() && j < right.length()) {
      int a = left.codePointAt(i);
      int b = right.codePointAt(j);
      if (a != b) {
        return Integer.compare(a, b);
      }
      i += Character.charCount(a);
      j += Character.charCount(b);
    }
    return Boolean.compare(i < left.length(), j < right.length());
  }
}
