package io.floe.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulesTest {
  @TempDir Path dir;

  @Test
  void schedulesAreReadWithTheirDefaults() throws IOException {
    write("""
        schedules:
          ingest_om:
            cron: '5 * * * *'
            sources: [om_weather_hourly]
            retries: 2
          silver_to_gold:
            cron: '10 */2 * * MON-FRI'
            time-zone: Australia/Brisbane
            select: [tag:silver, tag:gold]
            catch-up: none
        """);
    List<Schedules.Schedule> schedules = Schedules.load(Project.load(dir).configFile());
    assertThat(schedules).extracting(Schedules.Schedule::name).containsExactly("ingest_om", "silver_to_gold");
    assertThat(schedules.get(0).sources()).containsExactly("om_weather_hourly");
    assertThat(schedules.get(0).retries()).isEqualTo(2);
    assertThat(schedules.get(0).catchUp()).isEqualTo(Schedules.CatchUp.LATEST);
    assertThat(schedules.get(0).retryBackoff()).isEqualTo(java.time.Duration.ofMinutes(1));
    assertThat(schedules.get(0).timeout()).isEqualTo(java.time.Duration.ofHours(1));
    assertThat(schedules.get(1).catchUp()).isEqualTo(Schedules.CatchUp.NONE);
    assertThat(schedules.get(0).timeZone()).isEqualTo(ZoneId.of("UTC"));
    assertThat(schedules.get(1).timeZone()).isEqualTo(ZoneId.of("Australia/Brisbane"));
    assertThat(schedules.get(1).select()).containsExactly("tag:silver", "tag:gold");
  }

  @Test
  void aBadScheduleFailsEveryCommandWithItsLine() throws IOException {
    write("""
        schedules:
          hourly:
            cron: 'every hour'
            sources: [orders]
        """);
    assertThatThrownBy(() -> Project.load(dir))
        .isInstanceOf(FloeException.class)
        .hasMessageContaining("floe.yaml:4: Invalid value for cron: expected five cron fields");
    write("""
        schedules:
          hourly:
            cron: '0 * * * *'
            source: [orders]
        """);
    assertThatThrownBy(() -> Project.load(dir)).hasMessageContaining("floe.yaml:5: Unknown key 'source'");
    write("""
        schedules:
          hourly:
            cron: '0 * * * *'
            sources: [orders]
            timeout: soon
        """);
    assertThatThrownBy(() -> Project.load(dir))
        .hasMessageContaining("floe.yaml:6: Invalid value for timeout: expected a duration like 500ms, 30s");
    write("""
        schedules:
          hourly:
            cron: '0 * * * *'
        """);
    assertThatThrownBy(() -> Project.load(dir)).hasMessageContaining("Schedule 'hourly' runs nothing");
  }

  @Test
  void aScheduleMayOnlyMaintainTheTables() throws IOException {
    write("""
        schedules:
          weekly:
            cron: '0 3 * * 0'
            maintain: true
          hourly:
            cron: '0 * * * *'
            sources: [orders]
        """);
    List<Schedules.Schedule> schedules = Schedules.load(Project.load(dir).configFile());
    assertThat(schedules).extracting(Schedules.Schedule::maintain).containsExactly(true, false);
    assertThat(schedules.get(0).sources()).isEmpty();
    assertThat(schedules.get(0).select()).isEmpty();
  }

  @Test
  void aNewDataScheduleWatchesItsSourcesInsteadOfAClock() throws IOException {
    write("""
        schedules:
          on_files:
            trigger: new-data
            sources: [orders]
            poll-interval: 30s
        """);
    Schedules.Schedule schedule = Schedules.load(Project.load(dir).configFile()).get(0);
    assertThat(schedule.trigger()).isEqualTo(Schedules.Trigger.NEW_DATA);
    assertThat(schedule.cron()).isEmpty();
    assertThat(schedule.pollInterval()).isEqualTo(java.time.Duration.ofSeconds(30));

    write("""
        schedules:
          on_files:
            trigger: new-data
            cron: '0 * * * *'
            sources: [orders]
        """);
    assertThatThrownBy(() -> Project.load(dir)).hasMessageContaining("floe.yaml:5: Invalid value for cron: expected no "
        + "cron expression with trigger: new-data");
    write("""
        schedules:
          on_files:
            trigger: new-data
            select: [orders]
        """);
    assertThatThrownBy(() -> Project.load(dir)).hasMessageContaining("floe.yaml:4: Schedule 'on_files' has trigger: "
        + "new-data but no sources to watch");
    write("""
        schedules:
          on_files:
            trigger: on-change
            sources: [orders]
        """);
    assertThatThrownBy(() -> Project.load(dir)).hasMessageContaining("floe.yaml:4").hasMessageContaining("trigger");
  }

  private void write(String schedules) throws IOException {
    Files.writeString(dir.resolve("floe.yaml"), "name: scheduled\n" + schedules);
  }
}
