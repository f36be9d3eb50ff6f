package io.floe.core.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** Turns an unknown key into advice: the closest known key, or the keys valid where it was written. */
final class KeySuggestions {
  private static final LevenshteinDistance DISTANCE = LevenshteinDistance.getDefaultInstance();

  private final List<ConfigField> fields;
  private final Set<String> sections;

  KeySuggestions(List<ConfigField> fields, Set<String> sections) {
    this.fields = List.copyOf(fields);
    this.sections = Set.copyOf(sections);
  }

  /** {@code Did you mean 'catalog.uri'?} or {@code Valid keys in catalog: type, name, ...}. */
  String adviceFor(String unknownKey) {
    String closest = closest(unknownKey);
    if (closest != null) {
      return "Did you mean '" + closest + "'?";
    }
    String section = knownSectionOf(unknownKey);
    String valid = String.join(", ", keysIn(section));
    return section.isEmpty() ? "Valid top-level keys: " + valid + "." : "Valid keys in " + section + ": " + valid + ".";
  }

  private String closest(String unknownKey) {
    // Typos in longer keys may take more edits; three is where suggestions stop looking related.
    int threshold = Math.min(3, Math.max(2, unknownKey.length() / 4));
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates()) {
      int distance = DISTANCE.apply(unknownKey, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    if (bestDistance <= threshold) {
      return best;
    }
    // A known setting written in the wrong section, e.g. catalog.region for storage.region.
    String leaf = unknownKey.substring(unknownKey.lastIndexOf('.') + 1);
    return fields.stream().map(ConfigField::key).filter(key -> key.endsWith("." + leaf)).findFirst().orElse(null);
  }

  private List<String> candidates() {
    List<String> candidates = new ArrayList<>();
    fields.forEach(field -> candidates.add(field.key()));
    candidates.addAll(sections);
    return candidates;
  }

  private String knownSectionOf(String key) {
    String section = key;
    do {
      int dot = section.lastIndexOf('.');
      section = dot < 0 ? "" : section.substring(0, dot);
    } while (!section.isEmpty() && !sections.contains(section));
    return section;
  }

  // The names that may appear directly inside the section, in declaration order.
  private Set<String> keysIn(String section) {
    String prefix = section.isEmpty() ? "" : section + ".";
    Set<String> names = new LinkedHashSet<>();
    for (ConfigField field : fields) {
      if (field.key().startsWith(prefix)) {
        String rest = field.key().substring(prefix.length());
        int dot = rest.indexOf('.');
        names.add(dot < 0 ? rest : rest.substring(0, dot));
      }
    }
    return names;
  }
}
