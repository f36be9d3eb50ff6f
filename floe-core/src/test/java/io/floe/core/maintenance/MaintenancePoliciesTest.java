package io.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.FloeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaintenancePoliciesTest {
  @TempDir Path dir;

  @Test
  void withoutAMaintenanceSectionEveryTableHasTheDefaults() throws IOException {
    MaintenancePolicies policies = MaintenancePolicies.load(write("name: shop\n"));

    assertThat(policies.forTable("bronze.events")).isEqualTo(MaintenancePolicy.DEFAULTS);
    assertThat(MaintenancePolicy.DEFAULTS.targetFileSizeBytes()).isEqualTo(128L * 1024 * 1024);
  }

  @Test
  void aTableOverridesSomeKeysAndInheritsTheProjectsOthers() throws IOException {
    MaintenancePolicies policies = MaintenancePolicies.load(write("""
        name: shop
        maintenance:
          auto: false
          compact: {min-files: 20, target-file-size: 64MB}
          expire-snapshots.older-than: 2d
          tables:
            bronze.Events:
              compact: {min-files: 4}
              remove-orphans: {enabled: false}
        """));

    MaintenancePolicy project = policies.forTable("silver.orders");
    assertThat(project.auto()).isFalse();
    assertThat(project.compactMinFiles()).isEqualTo(20);
    assertThat(project.targetFileSizeBytes()).isEqualTo(64L << 20);
    assertThat(project.expireOlderThan()).isEqualTo(Duration.ofDays(2));
    assertThat(project.removeOrphans()).isTrue();
    MaintenancePolicy events = policies.forTable("bronze.events");
    assertThat(events.compactMinFiles()).isEqualTo(4);
    assertThat(events.removeOrphans()).isFalse();
    assertThat(events.targetFileSizeBytes()).isEqualTo(64L << 20);
    assertThat(events.expireOlderThan()).isEqualTo(Duration.ofDays(2));
    assertThat(events.auto()).isFalse();
  }

  @Test
  void badValuesNameTheFileLineAndWhatWasExpected() throws IOException {
    assertThatThrownBy(() -> MaintenancePolicies.load(write("""
        name: shop
        maintenance:
          compact: {target-file-size: huge}
        """)))
        .isInstanceOf(FloeException.class)
        .hasMessage("floe.yaml:3: Invalid value for maintenance.compact.target-file-size: expected a size like 64MB,"
            + " 128MB or 1GB, but was 'huge'.");
    assertThatThrownBy(() -> MaintenancePolicies.load(write("""
        name: shop
        maintenance:
          tables:
            bronze.events:
              expire-snapshots: {retain-last: 0}
        """)))
        .hasMessage("floe.yaml:5: Invalid value for expire-snapshots.retain-last: expected an integer of at least 1,"
            + " but was '0'.");
    assertThatThrownBy(() -> MaintenancePolicies.load(write("""
        name: shop
        maintenance:
          tables:
            events: {auto: false}
        """)))
        .hasMessage("floe.yaml:4: Invalid table name 'events' in maintenance.tables: expected namespace.table, e.g."
            + " bronze.events.");
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("floe.yaml"), yaml);
  }
}
