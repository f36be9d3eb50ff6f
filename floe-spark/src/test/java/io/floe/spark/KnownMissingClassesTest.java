package io.floe.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnownMissingClassesTest {
  /** The class path being searched: records each name asked for. */
  private static final class Searched extends ClassLoader {
    final List<String> names = new ArrayList<>();

    Searched() {
      super(KnownMissingClassesTest.class.getClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      names.add(name);
      return super.loadClass(name, resolve);
    }
  }

  @Test
  void aMissingClassIsSearchedForOnceAndAnExistingOneEveryTimeItIsAsked() throws Exception {
    Searched searched = new Searched();
    ClassLoader loader = KnownMissingClasses.remembering(searched);

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> loader.loadClass("org.example.DoesNotExist"))
          .isInstanceOf(ClassNotFoundException.class).hasMessage("org.example.DoesNotExist");
      assertThat(loader.loadClass("java.lang.String")).isSameAs(String.class);
    }

    assertThat(searched.names).filteredOn("org.example.DoesNotExist"::equals).hasSize(1);
    assertThat(searched.names).filteredOn("java.lang.String"::equals).hasSize(3);
  }

  @Test
  void onlyTheApplicationClassLoaderIsWrappedOnceAndNoneTwice() {
    ClassLoader application = ClassLoader.getSystemClassLoader();
    ClassLoader loader = KnownMissingClasses.over(application);

    assertThat(loader).isInstanceOf(KnownMissingClasses.class);
    assertThat(loader.getParent()).isSameAs(application);
    assertThat(KnownMissingClasses.over(application)).isSameAs(loader);
    assertThat(KnownMissingClasses.over(null)).isSameAs(loader);
    assertThat(KnownMissingClasses.over(loader)).isSameAs(loader);
    // Another loader may gain classes (an application that embeds Floe, a plugin): left as it is.
    Searched other = new Searched();
    assertThat(KnownMissingClasses.over(other)).isSameAs(other);
  }
}
