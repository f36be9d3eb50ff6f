package io.floe.core.project;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocationsTest {
  @Test
  void localPathsBecomeFileUrisAsHadoopAndTrinoReadThem() {
    assertThat(Locations.uri(Path.of("/tmp/shop/.floe/warehouse"))).isEqualTo("file:///tmp/shop/.floe/warehouse");
    assertThat(Locations.uri(Path.of("/tmp/my shop/w"))).isEqualTo("file:///tmp/my shop/w");
  }

  @Test
  void everyFormOfALocalLocationIsLocalAndObjectStoresAreNot() {
    assertThat(Locations.localPath("file:///tmp/w/t")).contains(Path.of("/tmp/w/t"));
    assertThat(Locations.localPath("file:/tmp/w/t")).contains(Path.of("/tmp/w/t"));
    assertThat(Locations.localPath("file://localhost/tmp/w")).contains(Path.of("/tmp/w"));
    // Projects created before locations were URIs recorded plain paths.
    assertThat(Locations.localPath("/tmp/w/t")).contains(Path.of("/tmp/w/t"));
    assertThat(Locations.localPath("s3://bucket/w/t")).isEqualTo(Optional.empty());
    assertThat(Locations.localPath("file://otherhost/w")).isEqualTo(Optional.empty());
    assertThat(Locations.isLocal("s3a://bucket/w")).isFalse();
  }
}
