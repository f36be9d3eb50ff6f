/**
 * What a connector implements, free of Spark: a {@link io.floe.ingest.spi.SourceConnector} declares
 * its settings and creates a {@link io.floe.ingest.spi.Source}; a source plans
 * {@link io.floe.ingest.spi.Batch}es from the {@link io.floe.ingest.spi.Position} committed last;
 * the engine reads each batch's {@link io.floe.ingest.spi.BatchInput} and commits its rows together
 * with the batch's position in one Iceberg snapshot.
 *
 * <p>A connector never writes tables and never stores its position itself: the target table is the
 * checkpoint. Connectors are found with {@link java.util.ServiceLoader}; list the class in
 * {@code META-INF/services/io.floe.ingest.spi.SourceConnector}.
 */
package io.floe.ingest.spi;
