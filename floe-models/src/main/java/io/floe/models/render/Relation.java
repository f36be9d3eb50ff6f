package io.floe.models.render;

import com.hubspot.jinjava.el.ext.NamedParameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * dbt's relation ({@code this}, {@code adapter.get_relation()}): renders as the table's name
 * ({@code schema.table}), and has {@code .database}, {@code .schema}, {@code .identifier},
 * {@code .name} and {@code .include()}. Public because Jinjava reads it by reflection.
 */
public final class Relation {
  private final String database;
  private final String schema;
  private final String identifier;
  private final String rendered;

  Relation(String database, String schema, String identifier) {
    this(database, schema, identifier, null);
  }

  private Relation(String database, String schema, String identifier, String rendered) {
    this.database = database;
    this.schema = schema;
    this.identifier = identifier;
    this.rendered = rendered;
  }

  /**
   * The relation {@code name} renders as: {@code table}, {@code schema.table} or
   * {@code catalog.schema.table}; a bare table is in {@code defaultSchema} (while a project is
   * parsed, {@code this} is the model's name) but still renders as written.
   */
  static Relation parse(String name, String defaultSchema) {
    String[] parts = name.split("\\.", -1);
    if (parts.length >= 3) {
      return new Relation(parts[0], parts[1], String.join(".", List.of(parts).subList(2, parts.length)));
    }
    if (parts.length == 2) {
      return new Relation(null, parts[0], parts[1]);
    }
    return new Relation(null, name.isEmpty() ? null : defaultSchema, name, name);
  }

  public String getDatabase() {
    return database;
  }

  public String getSchema() {
    return schema;
  }

  public String getIdentifier() {
    return identifier;
  }

  public String getName() {
    return identifier;
  }

  public String getTable() {
    return identifier;
  }

  /** {@code this.include(database=False)}: the relation rendered with only the parts kept. */
  public Relation include(Object... args) {
    boolean keepDatabase = true;
    boolean keepSchema = true;
    boolean keepIdentifier = true;
    for (Object arg : args) {
      if (arg instanceof NamedParameter named) {
        boolean keep = !Boolean.FALSE.equals(named.getValue());
        switch (named.getName()) {
          case "database" -> keepDatabase = keep;
          case "schema" -> keepSchema = keep;
          case "identifier" -> keepIdentifier = keep;
          default -> throw new IllegalArgumentException("include() takes database=, schema= and identifier=, not "
              + named.getName());
        }
      }
    }
    return new Relation(keepDatabase ? database : null, keepSchema ? schema : null,
        keepIdentifier ? identifier : null);
  }

  /** {@code this.render()}: what {@code {{ this }}} renders. */
  public String render() {
    return toString();
  }

  @Override
  public String toString() {
    if (rendered != null) {
      return rendered;
    }
    List<String> parts = new ArrayList<>();
    for (String part : new String[] {database, schema, identifier}) {
      if (part != null && !part.isEmpty()) {
        parts.add(part);
      }
    }
    return String.join(".", parts);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Relation relation && relation.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return Objects.hash(toString());
  }
}
