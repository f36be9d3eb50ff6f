package io.floe.cli.demo;

import static java.util.Objects.requireNonNull;

import io.floe.core.project.Project;
import io.floe.examples.projects.ExampleProjects;
import io.floe.examples.pv.PvApiFixture;
import io.floe.spark.FloeEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The tour {@code floe demo pv} gives: seed 001's PV lakehouse ({@code examples/pv}). It starts a
 * FIXTURE server on 127.0.0.1 in the response shapes of the OpenElectricity and Open-Meteo APIs (see
 * {@link PvApiFixture}; not those services), builds the project (facilities paged, generation and
 * weather in 7-day windows per plant, bronze, silver, gold, tests), then lets a week pass and builds
 * again: only the new windows are requested.
 */
public final class PvDemo {
  static final String FIRST_END = "2024-01-15";
  static final String SECOND_END = "2024-01-22";

  private final Path root;
  private final PrintWriter out;
  private final DemoConsole console;

  public PvDemo(Path root, PrintWriter out, PrintWriter err) {
    this.root = requireNonNull(root, "root is null");
    this.out = requireNonNull(out, "out is null");
    this.console = new DemoConsole(root, out, err);
  }

  /** Runs the tour with {@code plants} solar plants; returns the first failing step's exit code, else 0. */
  public int run(int plants) throws IOException {
    String key = "demo-" + UUID.randomUUID();
    console.step("Starting a fixture API server on 127.0.0.1 in the response shapes of OpenElectricity v4 and the"
        + " Open-Meteo archive (generated data, not those services; a 429 every 15th request)");
    try (PvApiFixture api = PvApiFixture.start(plants, key, 15)) {
      out.println("  OpenElectricity (fixture): " + api.openElectricityUrl() + " (" + plants + " solar facilities)");
      out.println("  Open-Meteo archive (fixture): " + api.openMeteoUrl());

      console.step("Laying out examples/pv (seed 001: APIs -> bronze -> silver -> gold)");
      ExampleProjects.copy(ExampleProjects.PV, root).forEach(file -> out.println("  " + file));
      // The key goes in a file only this user reads, referenced as ${file:...}, not into floe.yaml.
      Path keyFile = root.resolve(".floe/oe-api-key");
      Files.createDirectories(keyFile.getParent());
      Files.writeString(keyFile, key);
      ExampleProjects.usePvApis(root, api.openElectricityUrl(), api.openMeteoUrl(), "${file:.floe/oe-api-key}");

      console.step("floe build: page through the facilities, read generation and weather per plant in 7-day"
          + " windows up to " + FIRST_END + " (each batch committed with its cursor), model, test, publish");
      int exit = console.floe("build");
      if (exit != 0) {
        return exit;
      }
      long firstRequests = api.requests();
      out.printf("  %d requests, %d answered 429 and retried after Retry-After%n", firstRequests, api.throttled());
      try (FloeEngine engine = FloeEngine.open(Project.load(root))) {
        console.step("gold.daily_plant_kpi: energy, capacity factor, missing hours and latency per plant and day");
        console.query(engine, "SELECT plant_id, ds, energy_mwh, cf, missing_hours, avg_ghi_wm2 FROM"
            + " gold.daily_plant_kpi ORDER BY ds DESC, plant_id LIMIT 6");
      }

      ExampleProjects.setPvWindowEnd(root, FIRST_END, SECOND_END);
      console.step("A week later (window end " + SECOND_END + "): floe build again reads only the new windows");
      exit = console.floe("build");
      if (exit != 0) {
        return exit;
      }
      out.printf("  %d requests this time (the first build made %d)%n", api.requests() - firstRequests,
          firstRequests);
      try (FloeEngine engine = FloeEngine.open(Project.load(root))) {
        console.query(engine, "SELECT count(DISTINCT plant_id) AS plants, min(ts_utc) AS first_hour,"
            + " max(ts_utc) AS last_hour, count(*) AS plant_hours, sum(CASE WHEN ghi_wm2 IS NULL THEN 1 ELSE 0 END)"
            + " AS hours_without_weather FROM gold.plant_weather_hourly");
        console.step("floe sources: where each API stands (committed with the rows)");
      }
      exit = console.floe("sources");
      if (exit != 0) {
        return exit;
      }
    }
    out.println();
    out.println("The fixture server has stopped: the project's tables stay.");
    return 0;
  }
}
