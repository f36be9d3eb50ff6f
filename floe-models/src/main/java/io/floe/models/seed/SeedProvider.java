package io.floe.models.seed;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import io.floe.models.project.DbtProject;
import io.floe.models.project.ModelProject;
import io.floe.models.project.ModelProvider;
import io.floe.models.project.ProjectFiles;
import io.floe.models.project.ProvidedModel;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * dbt's seeds: each {@code seeds/**.csv} becomes a table model of the same name, so {@code ref()}
 * reads it and {@code floe seed} (or {@code floe build}) loads it. Column types are inferred as dbt
 * infers them (integers as {@code bigint}, other numbers as {@code double}, {@code yyyy-MM-dd}
 * dates, timestamps, {@code true}/{@code false}, else {@code string}; empty or {@code null} is
 * NULL), unless {@code column_types} names one. The CSV's rows are in the model's SELECT, so a
 * changed file changes its fingerprint and an unchanged one is not loaded again.
 */
public final class SeedProvider implements ModelProvider {
  /** The tag every seed carries ({@code floe build -s tag:seed}). */
  public static final String TAG = "seed";

  @Override
  public String name() {
    return "seeds (seeds/*.csv)";
  }

  @Override
  public List<ProvidedModel> models(Project project) {
    DbtProject dbt = DbtProject.read(project);
    List<ProvidedModel> seeds = new ArrayList<>();
    for (String seedPath : dbt.seedPaths()) {
      Path dir = project.root().resolve(seedPath).normalize();
      for (Path file : csvFiles(dir)) {
        seeds.add(seed(project, dbt, dir, file));
      }
    }
    return seeds;
  }

  private static ProvidedModel seed(Project project, DbtProject dbt, Path dir, Path file) {
    String origin = project.root().relativize(file).toString();
    List<String> folders = DbtProject.FolderConfig.foldersOf(dir, file);
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("materialized", "table");
    config.put("schema", project.config().namespaces().contains("bronze") ? "bronze" : ModelProject.DEFAULT_SCHEMA);
    for (Map.Entry<String, Map<String, Object>> level : dbt.seeds().along(folders)) {
      config.putAll(level.getValue());
    }
    List<String> tags = new ArrayList<>(List.of(TAG));
    Object own = config.get("tags");
    if (own instanceof List<?> list) {
      list.forEach(tag -> tags.add(String.valueOf(tag)));
    } else if (own != null) {
      tags.add(own.toString());
    }
    config.put("tags", tags);
    String name = file.getFileName().toString();
    name = name.substring(0, name.length() - ".csv".length());
    String delimiter = Optional.ofNullable(config.get("delimiter")).map(Object::toString).orElse(",");
    Map<String, String> declared = new LinkedHashMap<>();
    if (config.get("column_types") instanceof Map<?, ?> types) {
      types.forEach((column, type) -> declared.put(String.valueOf(column), String.valueOf(type)));
    }
    return new ProvidedModel(name, origin, SeedSql.select(read(file, origin, delimiter), declared, origin), config,
        Optional.empty());
  }

  // Header and rows as text; a row with another number of fields than the header is an error at its line.
  private static SeedSql.Csv read(Path file, String origin, String delimiter) {
    if (delimiter.length() != 1) {
      throw FloeException.user("%s: Cannot load seed: delimiter must be one character, but was '%s'.", origin,
          delimiter);
    }
    CsvMapper mapper = new CsvMapper();
    mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    CsvSchema schema = CsvSchema.emptySchema().withColumnSeparator(delimiter.charAt(0));
    List<List<String>> rows = new ArrayList<>();
    List<String> header = null;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        MappingIterator<List<String>> lines = mapper.readerForListOf(String.class).with(schema).readValues(reader)) {
      while (lines.hasNextValue()) {
        List<String> line = lines.nextValue();
        int lineNumber = lines.getCurrentLocation().getLineNr();
        if (line.size() == 1 && line.get(0).isBlank()) {
          continue; // a blank line, such as the last one
        }
        if (header == null) {
          header = line.stream().map(String::strip).toList();
          continue;
        }
        if (line.size() != header.size()) {
          throw FloeException.user("%s:%d: Cannot load seed: expected %d fields as the header has (%s), but the"
              + " row has %d. Quote a value that holds the delimiter.", origin, lineNumber, header.size(),
              String.join(delimiter, header), line.size());
        }
        rows.add(line);
      }
    } catch (IOException e) {
      throw FloeException.user(e, "%s: Cannot load seed: %s", origin, e.getMessage());
    }
    if (header == null) {
      throw FloeException.user("%s: Cannot load seed: the file is empty; a seed needs a header line naming its"
          + " columns.", origin);
    }
    return new SeedSql.Csv(header, rows);
  }

  private static List<Path> csvFiles(Path dir) {
    return ProjectFiles.files(List.of(dir), name -> name.toLowerCase(Locale.ROOT).endsWith(".csv"));
  }
}
