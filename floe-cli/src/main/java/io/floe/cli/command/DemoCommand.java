package io.floe.cli.command;

import io.floe.cli.demo.Demo;
import io.floe.cli.demo.AuditDemo;
import io.floe.cli.demo.PvDemo;
import io.floe.cli.demo.BankDemo;
import io.floe.cli.demo.MeterDemo;
import io.floe.core.error.FloeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Lay out an example project in a scratch directory, generate its data, build it, change the data,",
      "build again incrementally, and time travel.",
      "  ecommerce (default): the e-commerce lakehouse (examples/ecommerce, seed 002): four CSV sources,",
      "    bronze, silver, gold, tests, publish; then 1%% new rows.",
      "  meter: the meter data vault (examples/meter, seed 000): an embedded PostgreSQL, hubs, links,",
      "    satellites, reference tables, business-vault views; then changed customers and new readings.",
      "  bank: the bank CDC lakehouse (examples/bank, seed 003): an embedded PostgreSQL followed through",
      "    its log while the seed's workload runs; current state and a Data Vault with every version.",
      "  audit: the audit-log CDC lakehouse (examples/audit, seed 004): an embedded PostgreSQL's audit table",
      "    and a Vault stand-in for its credentials; current state and a history with every change, then a",
      "    second batch with a new payload key that arrives as a column.",
      "  pv: the PV lakehouse (examples/pv, seed 001): a local fixture server in the OpenElectricity and",
      "    Open-Meteo APIs' shapes; facilities, hourly generation and weather into bronze, silver, gold;",
      "    then a week later, only the new windows."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "Where to create the demo project (must be empty). Default: a new temp dir.")
  Path dir;

  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", defaultValue = "ecommerce",
      description = "The example: ecommerce (default), meter, bank, audit or pv.")
  String name;

  @Option(names = "--rows", defaultValue = "100000",
      description = "Generated rows: over the four sources for ecommerce (default ${DEFAULT-VALUE}; the seed's"
          + " full scale is 3800000), readings for meter, events of the first batch for audit.")
  long rows;

  @Option(names = "--plants", defaultValue = "12",
      description = "Solar plants the pv demo's fixture API serves (default ${DEFAULT-VALUE}).")
  int plants;

  @Override
  public Integer call() throws IOException, java.sql.SQLException, InterruptedException {
    java.util.List<String> demos = java.util.List.of("ecommerce", "meter", "bank", "audit", "pv");
    if (!demos.contains(name)) {
      throw FloeException.user("Cannot run demo '%s': the demos are ecommerce, meter, bank, audit and pv.%s", name,
          io.floe.core.error.DidYouMean.hint(name, demos));
    }
    Demo.checkRows(rows);
    long start = System.nanoTime();
    Path root = dir != null ? prepare(dir) : Files.createTempDirectory("floe-demo-");
    PrintWriter out = spec.commandLine().getOut();
    out.println("Floe demo: project in " + root);
    out.flush();
    if (name.equals("bank")) {
      int exit = new BankDemo(root, out, spec.commandLine().getErr()).run();
      if (exit == 0) {
        out.printf("%nDone in %.1f s. Explore it:%n"
            + "  ./floe -p %s sources            the slots' positions%n"
            + "  ./floe -p %s compile parsed_users   the merge of the newest change per key%n"
            + "  ./floe -p %s sql \"SELECT * FROM data_vault.s_accounts\"%n",
            (System.nanoTime() - start) / 1e9, root, root, root);
        out.flush();
      }
      return exit;
    }
    if (name.equals("audit")) {
      int exit = new AuditDemo(root, out, spec.commandLine().getErr()).run(Math.min(rows, 1_000_000));
      if (exit == 0) {
        out.printf("%nDone in %.1f s. Explore it:%n"
            + "  ./floe -p %s compile orders          the merge of each changed order's newest event%n"
            + "  ./floe -p %s sql \"SELECT * FROM marts.orders_history_scd2 LIMIT 20\"%n",
            (System.nanoTime() - start) / 1e9, root, root);
        out.flush();
      }
      return exit;
    }
    if (name.equals("pv")) {
      if (plants < 1 || plants > 999) {
        throw FloeException.user("Cannot run the pv demo with %d plants: give --plants from 1 to 999.", plants);
      }
      int exit = new PvDemo(root, out, spec.commandLine().getErr()).run(plants);
      if (exit == 0) {
        out.printf("%nDone in %.1f s. Explore it:%n"
            + "  ./floe -p %s sources             where each API stands (window, item, cursor)%n"
            + "  ./floe -p %s sql \"SELECT * FROM gold.daily_plant_kpi ORDER BY ds, plant_id LIMIT 20\"%n",
            (System.nanoTime() - start) / 1e9, root, root);
        out.flush();
      }
      return exit;
    }
    if (name.equals("meter")) {
      int exit = new MeterDemo(root, out, spec.commandLine().getErr()).run(rows);
      if (exit == 0) {
        out.printf("%nDone in %.1f s. Explore it:%n"
            + "  ./floe -p %s ls -s tag:vault      the generated vault models%n"
            + "  ./floe -p %s compile sat_customer_details   the SQL a satellite load runs%n"
            + "  ./floe -p %s sql \"SELECT * FROM business_vault.bv_asset_details LIMIT 5\"%n",
            (System.nanoTime() - start) / 1e9, root, root, root);
        out.flush();
      }
      return exit;
    }
    int exit = new Demo(root, out, spec.commandLine().getErr()).run(rows);
    if (exit != 0) {
      return exit;
    }
    out.printf(
        "%nDone in %.1f s. Explore it:%n"
            + "  ./floe -p %s ls                  the models, in graph order%n"
            + "  ./floe -p %s runs                run history: per model status, rows, seconds, snapshot%n"
            + "  ./floe -p %s snapshots gold.daily_metrics%n"
            + "  ./floe -p %s sql \"SELECT * FROM silver.customer_sessions LIMIT 5\"%n",
        (System.nanoTime() - start) / 1e9, root, root, root, root);
    out.flush();
    return 0;
  }

  private static Path prepare(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(root);
      try (Stream<Path> entries = Files.list(root)) {
        if (entries.findAny().isPresent()) {
          throw FloeException.user(
              "Cannot create the demo project in %s: the directory is not empty. Pass an empty"
                  + " or new --dir.",
              root);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the demo directory " + root, e);
    }
    return root;
  }
}
