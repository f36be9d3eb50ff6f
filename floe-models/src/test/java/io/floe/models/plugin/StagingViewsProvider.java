package io.floe.models.plugin;

import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import io.floe.models.project.ModelProperties;
import io.floe.models.project.ModelProvider;
import io.floe.models.project.ProvidedModel;
import io.floe.models.test.DataTestDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model provider, found by {@link java.util.ServiceLoader} from this test jar's
 * {@code META-INF/services}: each line {@code source.table key} of a project's {@code staging.list}
 * becomes a view {@code stg_<table>} of that source with a not_null test on its key.
 */
public final class StagingViewsProvider implements ModelProvider {
  @Override
  public String name() {
    return "staging views (staging.list)";
  }

  @Override
  public List<ProvidedModel> models(Project project) {
    Path list = project.root().resolve("staging.list");
    if (!Files.exists(list)) {
      return List.of();
    }
    List<ProvidedModel> models = new ArrayList<>();
    try {
      List<String> lines = Files.readAllLines(list);
      for (int i = 0; i < lines.size(); i++) {
        String[] parts = lines.get(i).trim().split("\\s+");
        String where = "staging.list:" + (i + 1);
        if (parts.length != 2 || !parts[0].contains(".")) {
          throw FloeException.user("%s: expected 'source.table key', but was '%s'.", where, lines.get(i));
        }
        String[] source = parts[0].split("\\.", 2);
        String name = "stg_" + source[1];
        String template = "select * from {{ source('" + source[0] + "', '" + source[1] + "') }}";
        DataTestDefinition notNull = new DataTestDefinition("not_null", Optional.of(parts[1]), Map.of(),
            DataTestDefinition.Severity.ERROR, where);
        models.add(new ProvidedModel(name, where, template, Map.of("materialized", "view", "schema", "silver"),
            Optional.of(new ModelProperties(name, "Staging view of " + parts[0], Map.of(), List.of(),
                List.of(notNull), where))));
      }
    } catch (IOException e) {
      throw FloeException.user(e, "Cannot read %s: %s", list, e.getMessage());
    }
    return models;
  }
}
