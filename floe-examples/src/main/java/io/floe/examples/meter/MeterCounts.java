package io.floe.examples.meter;

/** Rows {@link MeterDataGenerator} wrote into each table of meter_data. */
public record MeterCounts(long customers, long accounts, long assets, long readings) {}
