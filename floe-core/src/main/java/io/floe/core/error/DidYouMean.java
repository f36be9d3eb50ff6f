package io.floe.core.error;

import java.util.Collection;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** The "Did you mean ...?" hint for a name that matches nothing known. */
public final class DidYouMean {
  private static final LevenshteinDistance DISTANCE = LevenshteinDistance.getDefaultInstance();

  private DidYouMean() {}

  /**
   * Returns {@code " Did you mean 'x'?"} for the known name closest to {@code unknown}, or an empty
   * string when none is close enough to be a likely typo.
   */
  public static String hint(String unknown, Collection<String> known) {
    // Longer names allow more edits; past three, suggestions stop looking related.
    int threshold = Math.min(3, Math.max(1, unknown.length() / 4));
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = DISTANCE.apply(unknown, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best != null && bestDistance <= threshold ? " Did you mean '" + best + "'?" : "";
  }
}
