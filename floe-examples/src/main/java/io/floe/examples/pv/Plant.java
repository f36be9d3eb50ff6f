package io.floe.examples.pv;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** A generated solar plant of the fixture: where it is, how big, and what it makes in an hour. */
record Plant(int number, String name, String region, double capacityMw, double lat, double lng) {
  private static final List<String> REGIONS = List.of("NSW1", "QLD1", "VIC1", "SA1");
  private static final List<String> PLACES = List.of("Bungala", "Darlington", "Moree", "Nyngan", "Limondale",
      "Kidston", "Clare", "Wemen", "Numurkah", "Emerald", "Coleambally", "Finley", "Sunraysia", "Tailem Bend");
  // Performance ratio: what of the irradiance a plant turns into energy at the meter.
  private static final double PERFORMANCE = 0.82;

  static Plant of(int number) {
    String place = PLACES.get((number - 1) % PLACES.size());
    double capacity = 50 + ((number * 37) % 250);
    double lat = -38 + ((number * 7919) % 1700) / 100.0;
    double lng = 138 + ((number * 104729) % 1100) / 100.0;
    return new Plant(number, String.format(Locale.ROOT, "%s Solar Farm %d", place, number),
        REGIONS.get(number % REGIONS.size()), capacity, lat, lng);
  }

  /** Energy sent out in the hour starting at {@code hour}, from the irradiance at the plant. */
  double energyMwh(Instant hour) {
    double ghi = Weather.at(lat, lng, hour).value("shortwave_radiation");
    return Math.round(capacityMw * ghi / 1000.0 * PERFORMANCE * 10_000) / 10_000.0;
  }
}
