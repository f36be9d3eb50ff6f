package io.floe.secrets.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.config.SourceLocation;
import io.floe.core.error.FloeException;
import io.floe.core.secret.ConfigValue;
import io.floe.core.secret.SecretReference;
import io.floe.core.secret.SecretStores;
import io.floe.secrets.vault.standin.VaultStandInServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vault references against the stand-in server over real HTTP on 127.0.0.1. */
class VaultSecretStoreTest {
  private static final String ROOT_TOKEN = "root-token-for-tests";
  private static final String PASSWORD = "s3cr3t-Pa55word";

  @TempDir
  Path project;

  private VaultStandInServer vault;

  @BeforeEach
  void startVault() throws Exception {
    vault = VaultStandInServer.start(ROOT_TOKEN);
    vault.putSecret("secret/postgres/ecommerce", Map.of("user", "ecom", "password", PASSWORD));
  }

  @AfterEach
  void stopVault() {
    vault.close();
  }

  @Test
  void referenceInAConfigValueReadsTheKeyWithTheProjectsTokenAndAsksVaultOncePerRun() {
    SecretStores.configure(project, SecretReference.VAULT, Map.of(
        "address", value("vault.address", vault.address()), "token", value("vault.token", ROOT_TOKEN)));
    ConfigValue password = new ConfigValue("connections.db.password",
        "${vault:secret/postgres/ecommerce#password}", SourceLocation.of(project.resolve("floe.yaml")), true);
    ConfigValue url = new ConfigValue("connections.db.url",
        "jdbc:postgresql://db/ecom?user=${vault:secret/postgres/ecommerce#user}", SourceLocation.of(
            project.resolve("floe.yaml")), false);

    assertThat(password.resolve(project)).isEqualTo(PASSWORD);
    assertThat(url.resolve(project)).isEqualTo("jdbc:postgresql://db/ecom?user=ecom");
    assertThat(password.toString()).doesNotContain(PASSWORD);
    assertThat(vault.requests()).containsExactly("GET /v1/auth/token/lookup-self",
        "GET /v1/secret/data/postgres/ecommerce");
  }

  @Test
  void appRoleLogsInRenewsItsTokenBeforeItExpiresAndRereadsSecretsAfterTheCacheTime() {
    vault.addAppRole("floe-role", "floe-secret-id");
    vault.tokenTtl(Duration.ofMinutes(30));
    MutableClock clock = new MutableClock();
    VaultSecretStore store = new VaultSecretStore(VaultSettings.of(Map.of(
        "address", value("vault.address", vault.address()), "role-id", value("vault.role-id", "floe-role"),
        "secret-id", value("vault.secret-id", "${env:SECRET_ID}")), project, Map.of("SECRET_ID",
        "floe-secret-id")::get), clock);
    SecretReference reference = new SecretReference("vault", "secret/postgres/ecommerce#password");

    assertThat(store.read(reference)).isEqualTo(PASSWORD);
    clock.advance(Duration.ofMinutes(1));
    assertThat(store.read(reference)).isEqualTo(PASSWORD);
    assertThat(vault.requests()).containsExactly("POST /v1/auth/approle/login",
        "GET /v1/secret/data/postgres/ecommerce");

    // Past two thirds of the token's 30 minutes: renewed before use; the cached secret is read again.
    clock.advance(Duration.ofMinutes(20));
    vault.putSecret("secret/postgres/ecommerce", Map.of("user", "ecom", "password", "rotated"));
    assertThat(store.read(reference)).isEqualTo("rotated");
    assertThat(vault.requests()).endsWith("POST /v1/auth/token/renew-self", "GET /v1/secret/data/postgres/ecommerce");
  }

  @Test
  void errorsSayWhatIsMissingAndWhatToDoWithoutShowingAnySecret() {
    VaultSecretStore store = new VaultSecretStore(VaultSettings.of(Map.of(
        "address", value("vault.address", vault.address()), "token", value("vault.token", ROOT_TOKEN)), project,
        Map.<String, String>of()::get), Clock.systemUTC());

    assertThatThrownBy(() -> store.read(new SecretReference("vault", "secret/postgres/ecommerce#pasword")))
        .isInstanceOf(FloeException.class)
        .hasMessageContaining("has no key 'pasword' (its keys: ")
        .hasMessageContaining("password")
        .hasMessageNotContaining(PASSWORD);
    assertThatThrownBy(() -> store.read(new SecretReference("vault", "secret/postgres/billing#password")))
        .hasMessageContaining("has no secret at secret/postgres/billing")
        .hasMessageContaining("vault kv put secret/postgres/billing");
    assertThatThrownBy(() -> store.read(new SecretReference("vault", "secret/postgres/ecommerce")))
        .hasMessageContaining("expected ${vault:PATH#KEY}");

    VaultSecretStore wrongToken = new VaultSecretStore(VaultSettings.of(Map.of(
        "address", value("vault.address", vault.address()), "token", value("vault.token", "not-a-token")), project,
        Map.<String, String>of()::get), Clock.systemUTC());
    assertThatThrownBy(() -> wrongToken.read(new SecretReference("vault", "secret/postgres/ecommerce#password")))
        .hasMessageContaining("does not accept the token (403 permission denied)")
        .hasMessageNotContaining("not-a-token");

    String address = vault.address();
    vault.close();
    VaultSecretStore unreachable = new VaultSecretStore(VaultSettings.of(Map.of(
        "address", value("vault.address", address), "token", value("vault.token", ROOT_TOKEN)), project,
        Map.<String, String>of()::get), Clock.systemUTC());
    assertThatThrownBy(() -> unreachable.read(new SecretReference("vault", "secret/postgres/ecommerce#password")))
        .hasMessageContaining("Cannot reach Vault at " + address);
    assertThatThrownBy(() -> VaultSettings.of(Map.of(), project, Map.<String, String>of()::get))
        .hasMessageContaining("set vault.address in floe.yaml or the VAULT_ADDR variable");
  }

  private ConfigValue value(String key, String raw) {
    return new ConfigValue(key, raw, SourceLocation.of(project.resolve("floe.yaml")), key.endsWith("token")
        || key.endsWith("secret-id"));
  }

  /** A clock the test moves. */
  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-12-01T08:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

}
