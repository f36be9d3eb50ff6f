package io.floe.ingest.postgres;

import static java.util.Objects.requireNonNull;

/**
 * A column as PostgreSQL's catalog describes it.
 *
 * @param declaredType the type as written in DDL, e.g. {@code numeric(12,2)}, {@code integer[]}
 * @param typeName the base type's name in pg_type, e.g. {@code numeric}, {@code _int4}
 * @param typeKind pg_type.typtype: {@code b} base, {@code e} enum, {@code c} composite, {@code d}
 *     domain, {@code r} range
 * @param elementTypeName for arrays, the element type's name (e.g. {@code int4}); otherwise null
 * @param elementTypeKind for arrays, the element type's typtype; otherwise null
 */
public record PostgresColumn(
    String name,
    String declaredType,
    String typeName,
    String typeKind,
    String elementTypeName,
    String elementTypeKind) {
  public PostgresColumn {
    requireNonNull(name, "name is null");
    requireNonNull(declaredType, "declaredType is null");
    requireNonNull(typeName, "typeName is null");
    requireNonNull(typeKind, "typeKind is null");
  }

  public boolean isArray() {
    return elementTypeName != null;
  }
}
