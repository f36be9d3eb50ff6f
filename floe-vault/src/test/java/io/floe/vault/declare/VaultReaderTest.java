package io.floe.vault.declare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.FloeException;
import io.floe.vault.VaultProjects;
import io.floe.vault.hash.HashAlgorithm;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A vault declaration is checked as it is read: each mistake is one message with the file and line. */
class VaultReaderTest {
  private static final String STAGE = """
      stages:
        - name: stg_customers
          from: bronze.customers
          hash_keys:
            customer_hk: installation_id
      """;

  @TempDir Path dir;

  @Test
  void aValidDeclarationReadsWithDefaults() {
    VaultProjects.write(dir, "vault/v.yml", "settings:\n  hash: sha256\n" + STAGE
        + "hubs:\n  - name: hub_customer\n    key: customer_hk\n");
    VaultDeclaration vault = VaultReader.read(dir);
    assertThat(vault.settings().hash()).isEqualTo(HashAlgorithm.SHA256);
    assertThat(vault.settings().schema()).isEqualTo("raw_vault");
    assertThat(vault.hubs().get(0).businessKeys()).containsExactly("installation_id");
    assertThat(vault.hubs().get(0).from()).containsExactly("stg_customers");
    assertThat(vault.stages().get(0).loadTs()).isEqualTo("_ingested_at");
  }

  @Test
  void anUnknownKeyNamesTheFileLineAndTheNearestKey() {
    VaultProjects.write(dir, "vault/v.yml", STAGE + "hubs:\n  - name: hub_customer\n    key: customer_hk\n"
        + "    buisness_keys: [installation_id]\n");
    assertThatThrownBy(() -> VaultReader.read(dir)).isInstanceOf(FloeException.class)
        .hasMessageStartingWith("vault/v.yml:9: Cannot read the vault: unknown key 'buisness_keys' in a hub. Did you"
            + " mean 'business_keys'?");
  }

  @Test
  void aLinkToAnUndeclaredHubIsAnError() {
    VaultProjects.write(dir, "vault/v.yml", STAGE + "links:\n  - name: link_customer_account\n"
        + "    key: customer_account_hk\n    hubs: [hub_customer, hub_account]\n");
    assertThatThrownBy(() -> VaultReader.read(dir)).isInstanceOf(FloeException.class)
        .hasMessage("vault/v.yml:7: Cannot read the vault: link link_customer_account names hub 'hub_customer', which"
            + " is not declared. Declare it under 'hubs:'.");
  }

  @Test
  void aSatelliteWithoutParentOrWithAnUnknownOneIsAnError() {
    VaultProjects.write(dir, "vault/v.yml", STAGE + "satellites:\n  - name: sat_customer\n"
        + "    payload: [name]\n    from: stg_customers\n");
    assertThatThrownBy(() -> VaultReader.read(dir)).isInstanceOf(FloeException.class)
        .hasMessage("vault/v.yml:7: Cannot read the vault: satellite sat_customer has no parent: add 'parent:' naming"
            + " its hub or link.");

    VaultProjects.write(dir, "vault/v.yml", STAGE + "hubs:\n  - name: hub_customer\n    key: customer_hk\n"
        + "satellites:\n  - name: sat_customer\n    parent: hub_custmer\n    payload: [name]\n    from: stg_customers\n");
    assertThatThrownBy(() -> VaultReader.read(dir)).isInstanceOf(FloeException.class)
        .hasMessage("vault/v.yml:10: Cannot read the vault: satellite sat_customer has parent 'hub_custmer', which is"
            + " no declared hub or link. Did you mean 'hub_customer'?");
  }

  @Test
  void aHubWhoseStageLacksItsKeyAndAnUnknownHashAreErrors() {
    VaultProjects.write(dir, "vault/v.yml", STAGE + "hubs:\n  - name: hub_account\n    key: account_hk\n"
        + "    from: [stg_customers]\n");
    assertThatThrownBy(() -> VaultReader.read(dir)).isInstanceOf(FloeException.class)
        .hasMessage("vault/v.yml:7: Cannot read the vault: stage stg_customers (vault/v.yml:2) has no hash key"
            + " account_hk for hub hub_account. Its hash keys: [customer_hk].");

    VaultProjects.write(dir, "vault/v.yml", "settings:\n  hash: md4\n");
    assertThatThrownBy(() -> VaultReader.read(dir)).isInstanceOf(FloeException.class)
        .hasMessageStartingWith("vault/v.yml:2: Cannot read hash: expected md5, sha1 or sha256, but was 'md4'.");
  }
}
