package io.floe.ingest.spi;

/**
 * What the engine reads for a batch. Files are read by the engine's own readers (parallel and
 * vectorised); queries are run by the engine's JDBC reader in parallel ranges; rows are pulled from
 * the connector, for sources that only a client library can read.
 */
public sealed interface BatchInput permits FileInput, RowInput, QueryInput {}
