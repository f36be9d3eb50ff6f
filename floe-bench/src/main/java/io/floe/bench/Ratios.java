package io.floe.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Each measured figure's median over each measured peer's median in the same benchmark. */
final class Ratios {
  private Ratios() {}

  /**
   * The figures, in the same order, with their ratios filled in. The per-model seconds of a build,
   * and where its CPU went, have no peers; a rerun is also compared with the full build by the same tool.
   */
  static List<Figure> compute(List<Figure> figures) {
    List<Figure> withRatios = new ArrayList<>();
    for (Figure figure : figures) {
      Map<String, Double> ratios = new LinkedHashMap<>();
      if (figure.isMeasured() && !figure.benchmark().equals(EcommerceBuildBenchmark.MODELS)
          && !figure.benchmark().equals(EcommerceBuildBenchmark.WORK)) {
        for (Figure peer : figures) {
          if (peer != figure && peer.isMeasured() && peer.benchmark().equals(figure.benchmark())) {
            ratios.put(peer.tool(), figure.median() / peer.median());
          }
          if ((figure.benchmark().equals(ServeBenchmark.RUN_1PCT)
              || figure.benchmark().equals(ServeBenchmark.RUN_1PCT_STEADY)) && peer.isMeasured()
              && peer.benchmark().equals(BenchRun.ECOMMERCE_BUILD) && peer.tool().equals("floe")) {
            ratios.put("cold full build (floe)", figure.median() / peer.median());
          }
          String fullBuild = figure.tool().equals(EcommerceBuildBenchmark.SCHEDULED) ? "floe" : figure.tool();
          if (isRerun(figure) && peer.isMeasured()
              && peer.benchmark().equals(BenchRun.ECOMMERCE_BUILD) && peer.tool().equals(fullBuild)) {
            ratios.put("full build (" + peer.tool() + ")", figure.median() / peer.median());
          }
          if (isIncrementOf(figure, peer, MeterVaultBenchmark.INCREMENT, MeterVaultBenchmark.INITIAL)
              || isIncrementOf(figure, peer, AuditBenchmark.INCREMENT, AuditBenchmark.INITIAL)) {
            ratios.put("initial load (" + peer.tool() + ")", figure.median() / peer.median());
          }
        }
      }
      withRatios.add(figure.withRatios(ratios));
    }
    return withRatios;
  }

  private static boolean isIncrementOf(Figure figure, Figure peer, String increment, String initial) {
    String tool = figure.tool().equals(MeterVaultBenchmark.STEADY) ? "floe_warm" : figure.tool();
    return figure.benchmark().equals(increment) && peer.isMeasured() && peer.benchmark().equals(initial)
        && peer.tool().equals(tool);
  }

  private static boolean isRerun(Figure figure) {
    return figure.benchmark().equals(BenchRun.INCREMENTAL_RERUN)
        || figure.benchmark().equals(BenchRun.NOTHING_NEW_RERUN);
  }
}
