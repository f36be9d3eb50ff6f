package io.floe.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parser on its own: free-form mappings become plain Java values, with YAML 1.2 core types. */
class ConfigParserTest {
  private static final Path FILE = Path.of("/project/floe.yaml");

  @Test
  void mappingsBecomePlainJavaValues() {
    ConfigDocument document = parse("""
        vars:
          text: hello
          quoted: '42'
          int: 42
          long: 12345678901
          huge: 123456789012345678901234567890
          hex: 0x1F
          float: 1.5
          infinity: -.inf
          bool: True
          empty: ~
          list: &items [a, 1]
          alias: *items
          nested: {a: {b: c}}
        """);

    Map<String, Object> vars = document.map(FloeSettings.VARS);
    assertThat(vars.keySet()).containsExactly(
        "text", "quoted", "int", "long", "huge", "hex", "float", "infinity", "bool", "empty", "list", "alias",
        "nested");
    assertThat(vars.get("text")).isEqualTo("hello");
    assertThat(vars.get("quoted")).isEqualTo("42");
    assertThat(vars.get("int")).isEqualTo(42);
    assertThat(vars.get("long")).isEqualTo(12345678901L);
    assertThat(vars.get("huge")).isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(vars.get("hex")).isEqualTo(31);
    assertThat(vars.get("float")).isEqualTo(1.5);
    assertThat(vars.get("infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(vars.get("bool")).isEqualTo(true);
    assertThat(vars.get("empty")).isNull();
    assertThat(vars.get("list")).isEqualTo(List.of("a", 1));
    assertThat(vars.get("alias")).isEqualTo(List.of("a", 1));
    assertThat(vars.get("nested")).isEqualTo(Map.of("a", Map.of("b", "c")));
  }

  @Test
  void stringFieldsKeepTheTextAsWritten() {
    ConfigDocument document = parse("""
        name: 007
        catalog:
          user: true
        """);

    assertThat(document.string(FloeSettings.NAME)).isEqualTo("007");
    assertThat(document.string(FloeSettings.CATALOG_USER)).isEqualTo("true");
    assertThat(document.location(FloeSettings.CATALOG_USER)).hasToString("floe.yaml:3");
    assertThat(document.location(FloeSettings.CATALOG_URI)).hasToString("floe.yaml");
  }

  @Test
  void duplicateKeysInsideAMappingAreErrors() {
    assertThatThrownBy(() -> parse("""
        sources:
          pg:
            url: a
            url: b
        """))
        .hasMessage("floe.yaml:4: Duplicate key 'sources.pg.url'. Remove one of them.");
  }

  @Test
  void recursiveAliasesAreErrors() {
    assertThatThrownBy(() -> parse("vars: &a\n  self: *a\n"))
        .hasMessage("floe.yaml:1: Cannot read vars: recursive YAML aliases are not supported.");
  }

  @Test
  void secretValuesAreNeverEchoedInErrors() {
    assertThatThrownBy(() -> parse("catalog:\n  password:\n    - hunter2\n"))
        .hasMessage("floe.yaml:2: Invalid value for catalog.password: expected a string, but was a list.");
  }

  private static ConfigDocument parse(String yaml) {
    return ConfigParser.parse(FILE, yaml, FloeSettings.all());
  }

  @Test
  void anEntryNamingAConnectionTakesItsSettingsAndKeepsItsOwn() {
    ConfigField url = new ConfigField("url", ConfigType.STRING, null, "A setting.", List.of(), true);
    ConfigField user = new ConfigField("user", ConfigType.STRING, null, "A setting.", List.of(), false);
    ConfigField table = new ConfigField("table", ConfigType.STRING, null, "A setting.", List.of(), true);
    String yaml = """
        connections:
          db: {url: "jdbc:postgresql://db/meters", user: floe}
        sources:
          customers: {connection: db, table: customers}
          readings: {connection: db, table: readings, user: reader}
        """;
    Map<String, ConfigDocument> sources = ConfigParser.parseEntries(FILE, yaml, "sources",
        (name, entry) -> List.of(url, user, table));
    assertThat(sources.get("customers").string(url)).isEqualTo("jdbc:postgresql://db/meters");
    assertThat(sources.get("customers").string(user)).isEqualTo("floe");
    assertThat(sources.get("readings").string(user)).isEqualTo("reader");
    assertThat(sources.get("readings").location(url).line()).isEqualTo(2);

    assertThatThrownBy(() -> ConfigParser.parseEntries(FILE, yaml.replace("{connection: db, table: customers}",
        "{connection: dbs, table: customers}"), "sources", (name, entry) -> List.of(url, user, table)))
        .hasMessage("floe.yaml:4: Invalid config sources.customers.connection: expected the name of an entry under"
            + " connections:, but was: dbs. Did you mean 'db'? Declare it once under connections: with its url,"
            + " user and password.");
  }
}
