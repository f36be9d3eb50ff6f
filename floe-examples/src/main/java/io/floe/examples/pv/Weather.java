package io.floe.examples.pv;

import java.time.Instant;

/** The fixture's hourly weather at a coordinate: a clear-sky sun curve dimmed by a day's clouds. */
record Weather(double ghi, double dni, double dhi, double temperature, double windKmh, double cloudCover) {
  static Weather at(double lat, double lng, Instant hour) {
    double solarHour = ((hour.getEpochSecond() / 3600.0) % 24 + lng / 15.0 + 0.5) % 24;
    double daylight = solarHour > 6 && solarHour < 18 ? Math.sin(Math.PI * (solarHour - 6) / 12) : 0;
    long day = hour.getEpochSecond() / 86_400;
    double cloud = Math.floorMod(day * 2_654_435_761L + (long) (lat * 1000) * 40_503L, 101);
    double clearSky = 1050 * daylight;
    double ghi = clearSky * (1 - 0.75 * Math.pow(cloud / 100.0, 3));
    double dhi = Math.min(ghi, clearSky * (0.1 + 0.3 * cloud / 100.0));
    double dni = daylight > 0.05 ? Math.max(0, (ghi - dhi) / daylight) : 0;
    double temperature = 18 + 10 * daylight - cloud / 25.0;
    double wind = 8 + Math.floorMod(day * 31 + hour.getEpochSecond() / 3600, 17);
    return new Weather(ghi, dni, dhi, temperature, wind, cloud);
  }

  double value(String variable) {
    return switch (variable) {
      case "shortwave_radiation" -> ghi;
      case "direct_normal_irradiance" -> dni;
      case "diffuse_radiation" -> dhi;
      case "temperature_2m" -> temperature;
      case "wind_speed_10m" -> windKmh;
      case "cloud_cover" -> cloudCover;
      default -> throw new IllegalArgumentException("Unknown weather variable " + variable);
    };
  }
}
