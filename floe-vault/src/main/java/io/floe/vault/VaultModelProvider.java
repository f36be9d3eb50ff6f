package io.floe.vault;

import io.floe.core.project.Project;
import io.floe.models.project.ModelProvider;
import io.floe.models.project.ProvidedModel;
import io.floe.vault.declare.VaultReader;
import io.floe.vault.generate.VaultModels;
import java.util.List;

/** The project's Data Vault ({@code vault/*.yml}) as models; registered as a {@link ModelProvider} service. */
public final class VaultModelProvider implements ModelProvider {
  @Override
  public String name() {
    return "vault (vault/*.yml)";
  }

  @Override
  public List<ProvidedModel> models(Project project) {
    return VaultModels.of(VaultReader.read(project.root()));
  }
}
