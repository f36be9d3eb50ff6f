package io.floe.sql.dialects;

import io.floe.core.sql.ViewDialectTranslator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.dialect.TrinoSqlDialect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.parser.babel.SqlBabelParserImpl;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/**
 * Spark SQL to Trino SQL with Apache Calcite: Calcite's Babel parser reads the Spark text (back-tick
 * identifiers), table names are qualified with the view's catalog and default namespace (Trino
 * resolves a view's names in the session's catalog otherwise), Spark-only types and a few
 * functions are renamed, and Calcite's Trino dialect writes the result. A function not known to
 * mean the same in both engines makes the view untranslatable rather than silently different.
 */
public final class TrinoViewTranslator implements ViewDialectTranslator {
  /** Functions with the same name, arguments and meaning in Spark and Trino. */
  private static final Set<String> SAME_IN_TRINO = Set.of(
      "abs", "avg", "cast", "ceil", "ceiling", "coalesce", "concat", "concat_ws", "count", "current_date", "current_timestamp",
      "date_trunc", "day", "dense_rank", "exp", "extract", "first_value", "floor", "greatest", "hour", "lag",
      "last_value", "lead", "least", "length", "ln", "lower", "lpad", "ltrim", "max", "min", "minute", "mod",
      "month", "nullif", "power", "rank", "regexp_replace", "replace", "reverse", "round", "row_number", "rpad",
      "rtrim", "second", "sign", "sqrt", "stddev", "stddev_pop", "stddev_samp", "substr", "substring", "sum",
      "trim", "upper", "var_pop", "var_samp", "variance", "year", "quarter", "ntile", "percent_rank", "cume_dist");
  /** Spark functions Trino has under another name, with the same arguments. */
  private static final Map<String, String> RENAMED = Map.of(
      "nvl", "coalesce", "ifnull", "coalesce", "approx_count_distinct", "approx_distinct", "size", "cardinality",
      "std", "stddev", "char_length", "length", "character_length", "length", "pow", "power");
  /** Spark type names Trino spells differently. */
  private static final Map<String, SqlTypeName> TYPES = Map.of(
      "STRING", SqlTypeName.VARCHAR, "LONG", SqlTypeName.BIGINT, "SHORT", SqlTypeName.SMALLINT,
      "BYTE", SqlTypeName.TINYINT, "FLOAT", SqlTypeName.REAL, "BINARY", SqlTypeName.VARBINARY);

  private static final SqlParser.Config PARSER = SqlParser.config()
      .withParserFactory(SqlBabelParserImpl.FACTORY)
      .withConformance(SqlConformanceEnum.BABEL)
      .withQuoting(Quoting.BACK_TICK)
      .withQuotedCasing(Casing.UNCHANGED)
      .withUnquotedCasing(Casing.UNCHANGED)
      .withCaseSensitive(false);

  @Override
  public String dialect() {
    return "trino";
  }

  @Override
  public Translation translate(String sparkSql, String catalog, List<String> defaultNamespace) {
    SqlNode query;
    try {
      query = SqlParser.create(sparkSql, PARSER).parseQuery();
    } catch (SqlParseException e) {
      return Translation.impossible("Calcite cannot parse it as SQL: " + firstLine(e.getMessage()));
    }
    try {
      Rewriter rewriter = new Rewriter(catalog, defaultNamespace);
      SqlNode rewritten = query.accept(rewriter);
      if (rewriter.unknown != null) {
        return Translation.impossible("function " + rewriter.unknown + " has no known Trino equivalent");
      }
      return Translation.of(rewritten.toSqlString(config -> config.withDialect(TrinoSqlDialect.DEFAULT)
          .withAlwaysUseParentheses(false).withSelectListItemsOnSeparateLines(false)
          .withUpdateSetListNewline(false).withIndentation(0).withClauseStartsLine(false)
          .withClauseEndsLine(false)).getSql());
    } catch (RuntimeException e) {
      // Calcite throws unchecked errors for syntax its Trino dialect cannot write.
      return Translation.impossible("Calcite cannot write it in Trino's dialect: " + firstLine(String.valueOf(
          e.getMessage())));
    }
  }

  private static String firstLine(String message) {
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).strip();
  }

  /** Qualifies tables, renames types and functions; remembers the first function it does not know. */
  private static final class Rewriter extends SqlShuttle {
    private final String catalog;
    private final List<String> namespace;
    private final Set<String> cteNames = new HashSet<>();
    private String unknown;

    Rewriter(String catalog, List<String> namespace) {
      this.catalog = catalog;
      this.namespace = List.copyOf(namespace);
    }

    @Override
    public SqlNode visit(SqlCall call) {
      if (call instanceof SqlWith with) {
        for (SqlNode item : with.withList) {
          cteNames.add(((SqlWithItem) item).name.getSimple().toLowerCase(Locale.ROOT));
        }
      } else if (call instanceof SqlSelect select && select.getFrom() != null) {
        select.setFrom(qualifyFrom(select.getFrom()));
      } else if (call.getOperator() instanceof SqlFunction function) {
        String name = function.getName().toLowerCase(Locale.ROOT);
        String renamed = RENAMED.get(name);
        SqlNode digest = digest(name, call);
        if (digest != null) {
          return digest;
        }
        if (renamed != null) {
          SqlFunction trino = new SqlUnresolvedFunction(new SqlIdentifier(renamed, SqlParserPos.ZERO), null, null,
              null, null, SqlFunctionCategory.SYSTEM);
          SqlCall replaced = new SqlBasicCall(trino, call.getOperandList(), call.getParserPosition(),
              call.getFunctionQuantifier());
          return super.visit(replaced);
        }
        if (!SAME_IN_TRINO.contains(name) && unknown == null) {
          unknown = name;
        }
      }
      return super.visit(call);
    }

    /**
     * Spark's {@code md5(s)}, {@code sha1(s)} and {@code sha2(s, 256 | 512)} digest a string's UTF-8 bytes
     * and give lower-case hex; Trino's digest functions take and give {@code varbinary}. So
     * {@code lower(to_hex(md5(to_utf8(s))))}, or without {@code to_utf8} when the argument is a cast to
     * binary. Null when the call is not one of them (or {@code sha2} asks for a length Trino lacks).
     */
    private SqlNode digest(String name, SqlCall call) {
      String trinoName = switch (name) {
        case "md5", "sha1" -> call.operandCount() == 1 ? name : null;
        case "sha2" -> call.operandCount() == 2 ? switch (call.operand(1).toString()) {
          case "0", "256" -> "sha256";
          case "512" -> "sha512";
          default -> null;
        } : null;
        default -> null;
      };
      if (trinoName == null) {
        return null;
      }
      SqlNode argument = call.operand(0).accept(this);
      boolean binary = argument instanceof SqlCall cast && cast.getKind() == SqlKind.CAST
          && cast.operand(1) instanceof SqlDataTypeSpec type
          && type.getTypeName().getSimple().equalsIgnoreCase("VARBINARY");
      SqlNode bytes = binary ? argument : function("to_utf8", argument);
      return function("lower", function("to_hex", function(trinoName, bytes)));
    }

    private static SqlCall function(String name, SqlNode... operands) {
      // Made by name, not by identifier, so that Calcite writes it as a keyword (TO_HEX), unquoted.
      SqlFunction function = new SqlFunction(name.toUpperCase(Locale.ROOT), SqlKind.OTHER_FUNCTION, null, null, null,
          SqlFunctionCategory.SYSTEM);
      return new SqlBasicCall(function, List.of(operands), SqlParserPos.ZERO);
    }

    @Override
    public SqlNode visit(SqlDataTypeSpec type) {
      String name = type.getTypeName().getSimple().toUpperCase(Locale.ROOT);
      SqlTypeName trino = TYPES.get(name);
      if (trino == null) {
        return type;
      }
      return new SqlDataTypeSpec(new SqlBasicTypeNameSpec(trino, SqlParserPos.ZERO), SqlParserPos.ZERO);
    }

    private SqlNode qualifyFrom(SqlNode from) {
      if (from instanceof SqlIdentifier table) {
        return qualify(table);
      }
      if (from instanceof SqlJoin join) {
        join.setLeft(qualifyFrom(join.getLeft()));
        join.setRight(qualifyFrom(join.getRight()));
        return join;
      }
      if (from.getKind() == SqlKind.AS) {
        SqlCall as = (SqlCall) from;
        as.setOperand(0, qualifyFrom(as.operand(0)));
        return as;
      }
      // Sub-queries (SELECT, set operations) are rewritten when the shuttle visits them.
      return from;
    }

    private SqlIdentifier qualify(SqlIdentifier table) {
      List<String> names = table.names;
      if (names.size() == 1 && cteNames.contains(names.get(0).toLowerCase(Locale.ROOT))) {
        return table;
      }
      List<String> qualified = new ArrayList<>();
      if (names.size() == 1) {
        qualified.add(catalog);
        qualified.addAll(namespace);
      } else if (names.size() == 2) {
        qualified.add(catalog);
      }
      qualified.addAll(names);
      return new SqlIdentifier(qualified, table.getParserPosition());
    }
  }
}
