package io.floe.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The catalog's URI in an error keeps what locates the catalog and masks any password written into it. */
class CatalogErrorsTest {
  @Test
  void passwordsInAUriAreMaskedAndTheRestKept() {
    assertThat(CatalogErrors.maskPassword("jdbc:postgresql://db:5432/lake?user=floe&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db:5432/lake?user=floe&password=****&ssl=true");
    assertThat(CatalogErrors.maskPassword("jdbc:postgresql://floe:s3cret@db:5432/lake"))
        .isEqualTo("jdbc:postgresql://floe:****@db:5432/lake");
    assertThat(CatalogErrors.maskPassword("https://catalog.internal:8181/iceberg"))
        .isEqualTo("https://catalog.internal:8181/iceberg");
    assertThat(CatalogErrors.maskPassword("jdbc:postgresql://db:5432/lake"))
        .isEqualTo("jdbc:postgresql://db:5432/lake");
  }
}
