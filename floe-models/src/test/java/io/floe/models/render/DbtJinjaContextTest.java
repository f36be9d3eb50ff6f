package io.floe.models.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import io.floe.models.project.Model;
import io.floe.models.project.ModelProject;
import io.floe.models.project.TestProjects;
import io.floe.models.render.ModelRenderer.MacroFile;
import io.floe.models.render.ModelRenderer.Queries;
import io.floe.models.render.ModelRenderer.Resolution;
import io.floe.models.render.ModelRenderer.Table;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dbt's Jinja context and macro semantics, rendered without an engine. */
class DbtJinjaContextTest {
  private static final RenderContext CONTEXT = new RenderContext("shop", "dev", "silver", "lake", 4,
      Map.of("FLOE_TEST_REGION", "eu", "DBT_ENV_SECRET_TOKEN", "s3cr3t")::get,
      Instant.parse("2026-03-04T05:06:07.123456Z"));

  private final List<String> queriesRun = new ArrayList<>();

  private String render(String template, MacroFile... macros) {
    return render(template, Queries.NONE, macros);
  }

  private String render(String template, Queries queries, MacroFile... macros) {
    ModelRenderer renderer = new ModelRenderer(List.of(macros), Map.of("min_amount", 5), CONTEXT);
    Resolution resolution = new Resolution("silver.orders", false, ref -> "silver." + ref,
        (source, table) -> source + "." + table, ModelRenderer.Values.DEFERRED, queries);
    return renderer.render("orders", "models/silver/orders.sql", template, resolution).sql();
  }

  private Queries canned(Table table) {
    return sql -> {
      queriesRun.add(sql);
      return table;
    };
  }

  @Test
  void thisIsARelationThatStillRendersAsTheTable() {
    assertThat(render("{{ this }}|{{ this.schema }}|{{ this.identifier }}|{{ this.name }}|{{ this ~ '_tmp' }}"))
        .isEqualTo("silver.orders|silver|orders|orders|silver.orders_tmp");
    assertThat(render("{{ this.include(schema=false) }}")).isEqualTo("orders");
  }

  @Test
  void targetEnvVarRunStartedAtAndModules() {
    assertThat(render("{{ target.name }} {{ target.type }} {{ target.schema }} {{ target.database }}"
        + " {{ target.threads }} {{ project_name }}")).isEqualTo("dev spark silver lake 4 shop");
    assertThat(render("{{ env_var('FLOE_TEST_REGION') }} {{ env_var('FLOE_TEST_UNSET', 'none-set') }}"))
        .isEqualTo("eu none-set");
    assertThat(render("{{ run_started_at.strftime('%Y-%m-%d %H:%M') }} {{ run_started_at }} {{ run_started_at.year }}"))
        .isEqualTo("2026-03-04 05:06 2026-03-04 05:06:07.123456+00:00 2026");
    assertThat(render("{{ modules.datetime.date(2024, 2, 29).strftime('%d.%m.%Y') }}"
        + " {{ modules.datetime.datetime(2024, 1, 2, 3, 4, 5).isoformat() }}"
        + " {{ modules.datetime.timedelta(days=1, hours=2) }}"
        + " {{ modules.datetime.datetime.utcnow().year > 2000 }}"
        + " {{ modules.re.sub('[^a-z]', '_', 'a-b c') }} {{ modules.re.match('(\\\\d+)-(\\\\d+)', '12-34').group(2) }}"))
        .isEqualTo("29.02.2024 2024-01-02T03:04:05 1 day, 2:00:00 true a_b_c 34");
    assertThat(render("{{ tojson({'a': [1, 2]}) }} {{ fromjson('{\"b\": [3]}')['b'][0] }} {{ local_md5('a') }}"))
        .isEqualTo("{\"a\":[1,2]} 3 0cc175b9c0f1b6a831c399e269772661");
  }

  @Test
  void envVarWithoutValueOrDefaultNamesTheFileAndLineButNoValue() {
    assertThatThrownBy(() -> render("select 1\n{{ env_var('FLOE_TEST_UNSET') }}"))
        .isInstanceOf(FloeException.class)
        .hasMessageStartingWith("models/silver/orders.sql:2: Cannot render env_var('FLOE_TEST_UNSET')")
        .hasMessageContaining("env_var('FLOE_TEST_UNSET', 'default')");
  }

  @Test
  void returnGivesTheCallerTheValueAndNothingAfterItRuns() {
    MacroFile macros = new MacroFile("macros/util.sql", """
        {% macro columns_of(kind) %}
          {% if kind == 'none' %}{{ return([]) }}{% endif %}
          {{ return(['id', 'amount']) }}
          {{ exceptions.raise_compiler_error('never reached') }}
        {% endmacro %}
        {% macro plain() %}text{% endmacro %}
        """);
    assertThat(render("{% set cols = columns_of('x') %}{{ cols | join(', ') }}|{{ columns_of('none') | length }}"
        + "|{{ plain() }}", macros)).isEqualTo("id, amount|0|text");
  }

  @Test
  void executeIsFalseWhileParsingAndRunQueryReturnsNone() {
    String model = """
        {% set results = run_query('select distinct status from raw.orders') %}
        {% if execute %}{% set items = results.columns[0].values() %}{% else %}{% set items = [] %}{% endif %}
        {{ execute }}:{{ items | join(',') }}:{{ results.rows | length if execute else 0 }}""";
    assertThat(render(model)).isEqualTo("false::0");
    Table statuses = new Table(List.of("status"), List.of("string"), List.of(List.of("new"), List.of("paid")));
    assertThat(render(model, canned(statuses))).isEqualTo("true:new,paid:2");
    assertThat(queriesRun).containsExactly("select distinct status from raw.orders");
    assertThat(render("{% for row in run_query('q') %}{{ row[0] }}={{ row['status'] }} {% endfor %}",
        canned(statuses))).isEqualTo("new=new paid=paid");
  }

  @Test
  void dispatchFindsTheProjectsImplementationThenTheShippedOne() {
    MacroFile macros = new MacroFile("macros/cents.sql", """
        {% macro cents(column) %}{{ return(adapter.dispatch('cents', 'shop')(column)) }}{% endmacro %}
        {% macro default__cents(column) %}({{ column }} * 100){% endmacro %}
        {% macro spark__trunc_day(column) %}date_trunc('DD', {{ column }}){% endmacro %}
        """);
    assertThat(render("{{ cents('amount') }} {{ adapter.dispatch('date_trunc', 'dbt')('day', 'ts') }}"
        + " {{ adapter.dispatch('trunc_day')('ts') }} {{ shop.cents('x') }}", macros))
        .isEqualTo("(amount * 100) date_trunc('day', ts) date_trunc('DD', ts) (x * 100)");
  }

  @Test
  void raiseCompilerErrorFailsWithTheUsersMessageAtTheMacrosLine() {
    MacroFile macros = new MacroFile("macros/checks.sql", """
        {% macro require_positive(value) %}
          {% if value <= 0 %}
            {{ exceptions.raise_compiler_error('value must be positive, but was ' ~ value) }}
          {% endif %}
        {% endmacro %}
        """);
    assertThatThrownBy(() -> render("select 1\n{{ require_positive(-3) }}", macros))
        .isInstanceOf(FloeException.class)
        .hasMessage("macros/checks.sql:3: Compilation error in orders: value must be positive, but was -3");
  }

  @Test
  void anErrorInsideAMacroNamesTheMacrosFileAndLine() {
    MacroFile macros = new MacroFile("macros/broken.sql", """
        {% macro broken() %}
          select
            {{ no_such_thing }}
        {% endmacro %}
        """);
    assertThatThrownBy(() -> render("select 1\n\n{{ broken() }}", macros))
        .isInstanceOf(FloeException.class)
        .hasMessageStartingWith("macros/broken.sql:3: ")
        .hasMessageContaining("no_such_thing");
  }

  @Test
  void aMacroOfAPackageFloeDoesNotShipNamesThePackageTheMacroAndWhatToDo() {
    assertThatThrownBy(() -> render("select\n{{ codegen.generate_model_yaml(['orders']) }}"))
        .isInstanceOf(FloeException.class)
        .hasMessageStartingWith("models/silver/orders.sql:2: ")
        .hasMessageContaining("codegen.generate_model_yaml() is a macro of package 'codegen'")
        .hasMessageContaining("Copy the macro into macros/");
    MacroFile macros = new MacroFile("macros/yaml.sql", "{% macro models_yaml() %}\n"
        + "{{ dbt_expectations.expect_column_values_to_be_between('x') }}\n{% endmacro %}");
    assertThatThrownBy(() -> render("{{ models_yaml() }}", macros))
        .isInstanceOf(FloeException.class)
        .hasMessageStartingWith("macros/yaml.sql:2: Cannot render macro models_yaml (called by orders):"
            + " dbt_expectations.expect_column_values_to_be_between() is a macro of package 'dbt_expectations'");
    assertThatThrownBy(() -> render("select {{ dbt_utils.no_such_macro('x') }}"))
        .isInstanceOf(FloeException.class)
        .hasMessageStartingWith("models/silver/orders.sql:1: Cannot call dbt_utils.no_such_macro(): Floe's dbt_utils"
            + " has no macro 'no_such_macro'");
  }

  @Test
  void logAndWarnRenderNothing() {
    assertThat(render("{{ log('token ' ~ env_var('DBT_ENV_SECRET_TOKEN'), info=True) }}{{ exceptions.warn('w') }}"
        + "{% do log('quiet') %}x")).isEqualTo("x");
  }

  @Test
  void crossDatabaseMacrosRenderSparkSql() {
    assertThat(render("{{ dbt.date_trunc('day', 'created_at') }}")).isEqualTo("date_trunc('day', created_at)");
    assertThat(render("{{ date_trunc('month', 'created_at') }}")).isEqualTo("date_trunc('month', created_at)");
    assertThat(render("{{ dbt_utils.dateadd('day', 3, 'd') }}")).isEqualTo("timestampadd(day, 3, d)");
    assertThat(render("{{ dbt.datediff('a', 'b', 'month') }}"))
        .isEqualTo("timestampdiff(month, date_trunc('month', a), date_trunc('month', b))");
    assertThat(render("{{ dbt.safe_cast('x', dbt.type_int()) }} {{ dbt.concat(['a', \"'-'\", 'b']) }}"
        + " {{ dbt.hash('k') }} {{ dbt.split_part('s', \"','\", 2) }} {{ dbt.string_literal('x') }}"))
        .isEqualTo("try_cast(x as int) concat(a, '-', b) md5(cast(k as string)) split_part(s, ',', 2) 'x'");
    assertThat(render("{{ dbt.escape_single_quotes(\"it's\") }}")).isEqualTo("it\\'s");
    assertThat(render("{{ dbt.listagg('name', \"', '\", 'order by id desc', 2) }}")).isEqualTo(
        "array_join(slice(transform(reverse(array_sort(collect_list(struct(id, name as floe_listagg_value)))),"
            + " floe_listagg_row -> floe_listagg_row.floe_listagg_value), 1, 2), ', ')");
  }

  @Test
  void starIsAStarWhileParsingAndTheColumnsButTheExceptedOnesWhenRunning() {
    String model = "select {{ dbt_utils.star(from=ref('customers'), except=['EMAIL'], relation_alias='c') }}"
        + " from {{ ref('customers') }} c";
    assertThat(render(model)).isEqualTo("select * from silver.customers c");
    Table columns = new Table(List.of("id", "email", "name"), List.of("bigint", "string", "string"), List.of());
    assertThat(render(model, canned(columns))).isEqualTo("select c.`id`,\nc.`name` from silver.customers c");
    assertThat(queriesRun).containsExactly("SELECT * FROM silver.customers LIMIT 0");
  }

  @Test
  void generateSurrogateKeyIsDbtUtilsExpression() {
    assertThat(render("{{ dbt_utils.generate_surrogate_key(['id', 'region']) }}")).isEqualTo(
        "md5(cast(concat(coalesce(cast(id as string), '_dbt_utils_surrogate_key_null_'), '-',"
            + " coalesce(cast(region as string), '_dbt_utils_surrogate_key_null_')) as string))");
  }

  @Test
  void surrogateKeyIsDbtUtilsZeroXsExpressionForProjectsThatPinIt() {
    String zeroX = "md5(cast(concat(coalesce(cast(id as string), ''), '-', coalesce(cast(region as string), ''))"
        + " as string))";
    assertThat(render("{{ dbt_utils.surrogate_key(['id', 'region']) }}")).isEqualTo(zeroX);
    assertThat(render("{{ dbt_utils.surrogate_key('id', 'region') }}")).isEqualTo(zeroX);
  }

  @Test
  void unionRelationsMatchesColumnsByNameAndNamesEachRowsRelation() {
    Queries columns = sql -> sql.contains("a2023")
        ? new Table(List.of("id", "amount"), List.of("bigint", "decimal(10,2)"), List.of())
        : new Table(List.of("ID", "channel"), List.of("bigint", "string"), List.of());
    String sql = render("{{ dbt_utils.union_relations(relations=['raw.a2023', 'raw.b2024']) }}", columns)
        .replaceAll("\\s+", " ");
    assertThat(sql).isEqualTo("( select cast('raw.a2023' as string) as _dbt_source_relation, cast(`id` as bigint) as"
        + " `id`, cast(`amount` as decimal(10,2)) as `amount`, cast(null as string) as `channel` from raw.a2023 )"
        + " union all ( select cast('raw.b2024' as string) as _dbt_source_relation, cast(`id` as bigint) as `id`,"
        + " cast(null as decimal(10,2)) as `amount`, cast(`channel` as string) as `channel` from raw.b2024 )");
  }

  @Test
  void statementBlocksAndLoadResult() {
    Table one = new Table(List.of("n"), List.of("int"), List.of(List.of(7)));
    assertThat(render("{% call statement('counts', fetch_result=True) %}select 7 as n{% endcall %}"
        + "{{ load_result('counts')['data'][0][0] }}", canned(one))).isEqualTo("7");
    assertThat(queriesRun).containsExactly("select 7 as n");
  }

  @Test
  void pythonStringMethodsWorkOnStrings() {
    assertThat(render("{{ 'Order_ID'.lower() }} {{ 'a, b ,c'.split(',') | map('trim') | join('|') }}"
        + " {{ ' x '.strip() }}! {{ 'stg_orders'.startswith('stg_') }} {{ 'a b'.split() | length }}"
        + " {{ '-'.join(['x', 'y']) }} {{ 'ab'.upper() }} {{ '7'.zfill(3) }} {{ 'my col'.title() }}"))
        .isEqualTo("order_id a|b|c x! true 2 x-y AB 007 My Col");
  }

  @Test
  void macroDefaultsOfNoneAreNoneAndAnIfOnNoneIsFalse() {
    MacroFile macros = new MacroFile("macros/filter.sql", "{% macro filtered(where=none) %}"
        + "{% if where %}where {{ where }}{% else %}all{% endif %}{{ ' (none)' if where is none else '' }}"
        + "{% endmacro %}");
    assertThat(render("{{ filtered() }}|{{ filtered(where='x > 1') }}", macros)).isEqualTo("all (none)|where x > 1");
    assertThat(render("{% set nothing = none %}{{ nothing }} {{ var('unset_var', none) is none }}")).isEqualTo("None true");
    assertThatThrownBy(() -> render("{% if no_such_flag %}x{% endif %}"))
        .isInstanceOf(FloeException.class)
        .hasMessageContaining("no_such_flag");
    assertThatThrownBy(() -> render("select {{ no_such_column_list }}"))
        .isInstanceOf(FloeException.class)
        .hasMessageContaining("no_such_column_list");
  }

  @Test
  void aProjectsModelsSeeItsNameCatalogAndTheirOwnSchema(@TempDir Path dir) {
    TestProjects.create(dir);
    TestProjects.write(dir, "models/gold/revenue.sql", "select '{{ this.schema }}' as s, '{{ this.identifier }}' as i,"
        + " '{{ target.name }}/{{ target.schema }}' as t, '{{ project_name }}' as p, {{ execute }} as e");
    ModelProject models = ModelProject.load(Project.load(dir));
    assertThat(models.compile(models.model("revenue"), false, Model::table))
        .isEqualTo("select 'gold' as s, 'revenue' as i, 'dev/silver' as t, 'shop' as p, false as e");
  }
}
