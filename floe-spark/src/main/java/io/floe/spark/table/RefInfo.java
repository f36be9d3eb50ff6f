package io.floe.spark.table;

/** A branch or tag of a table. {@code maxRefAgeMs} is null when the ref is kept forever. */
public record RefInfo(String name, String type, long snapshotId, Long maxRefAgeMs) {}
