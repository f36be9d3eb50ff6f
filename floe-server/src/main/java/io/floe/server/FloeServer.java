package io.floe.server;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import io.floe.core.schedule.Schedules;
import io.floe.ingest.Ingestion;
import io.floe.ingest.ProjectSources;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.models.project.ModelProject;
import io.floe.models.run.QueryWarmUp;
import io.floe.runtime.ProjectRun;
import io.floe.runtime.history.RunStore;
import io.floe.server.api.ApiRoutes;
import io.floe.server.backfill.Backfills;
import io.floe.server.http.Exchange;
import io.floe.server.iceberg.IcebergRestHandler;
import io.floe.server.iceberg.IcebergRestHandler.Access;
import io.floe.server.metrics.PrometheusMetrics;
import io.floe.server.run.RunQueue;
import io.floe.server.schedule.Scheduler;
import io.floe.spark.FloeEngine;
import io.floe.spark.materialize.MultiTablePublish;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code floe serve}: one process that keeps the engine warm, runs the project on its schedules
 * and on request, and serves the web UI ({@code /}), the JSON API ({@code /api}), the Iceberg REST
 * catalog ({@code /iceberg}), Prometheus metrics ({@code /metrics}) and {@code /health}.
 *
 * <p>HTTP is the JDK's own server ({@code com.sun.net.httpserver}): the server needs routing and
 * nothing of a servlet container, and Spark's class path already holds a (shaded) Jetty to keep
 * clear of.
 */
public final class FloeServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FloeServer.class);
  private static final String UI = "/io/floe/server/ui/";

  /**
   * How the server listens.
   *
   * @param host the address to bind; anything but a loopback address needs tokens
   * @param port the port; 0 picks a free one
   * @param readToken the bearer token that may read (API GETs, the catalog's loads, metrics)
   * @param writeToken the bearer token that may also trigger, cancel, pause and commit
   * @param shutdownGrace how long a stop waits for the running run before cancelling it
   */
  public record Options(String host, int port, Optional<String> readToken, Optional<String> writeToken,
      Duration shutdownGrace) {
    public Options {
      requireNonNull(host, "host is null");
      requireNonNull(readToken, "readToken is null");
      requireNonNull(writeToken, "writeToken is null");
      requireNonNull(shutdownGrace, "shutdownGrace is null");
    }

    /** 127.0.0.1 on {@code port}, no tokens, 15 s grace. */
    public static Options local(int port) {
      return new Options("127.0.0.1", port, Optional.empty(), Optional.empty(), Duration.ofSeconds(15));
    }
  }

  private final Path projectDir;
  private final Options options;
  private final HttpServer http;
  private final ExecutorService handlers;
  // How long the warm-up may go on (a project of hundreds of models): it is of use to the first runs only.
  private static final Duration WARM_UP_LIMIT = Duration.ofMinutes(2);

  private volatile boolean ready;
  // The warm-up's state, as /health tells it: running, done, or stopped (by a run, the limit or a stop).
  private volatile String warmUp = "running";
  private FloeEngine engine;
  private RunStore history;
  private RunQueue queue;
  private Scheduler scheduler;
  private Backfills backfills;
  private ApiRoutes api;
  private IcebergRestHandler iceberg;

  private FloeServer(Path projectDir, Options options, HttpServer http, ExecutorService handlers) {
    this.projectDir = projectDir;
    this.options = options;
    this.http = http;
    this.handlers = handlers;
  }

  /**
   * Binds the port (answering {@code /health} with 503 while starting), starts the engine, marks
   * runs a kill interrupted and cleans up after them, catches up on missed schedules, and returns
   * when the server is ready; then, until a run starts, Spark plans each model's query once (a warm-up).
   *
   * @throws FloeException (user) for a bad project, a port in use, or a public address without tokens
   */
  public static FloeServer start(Path projectDir, Options options) {
    Project project = Project.load(projectDir);
    InetAddress address;
    try {
      address = InetAddress.getByName(options.host());
    } catch (IOException e) {
      throw FloeException.user(e, "Cannot resolve the address to serve on, '%s': %s", options.host(), e.getMessage());
    }
    if (!address.isLoopbackAddress() && (options.readToken().isEmpty() || options.writeToken().isEmpty())) {
      throw FloeException.user("Serving on %s (not 127.0.0.1) needs tokens: set FLOE_SERVE_READ_TOKEN and "
          + "FLOE_SERVE_WRITE_TOKEN in the environment, or serve on 127.0.0.1.", options.host());
    }
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(address, options.port()), 64);
    } catch (IOException e) {
      throw FloeException.user(e, "Cannot listen on %s:%d: %s. Pick another port with --port.", options.host(),
          options.port(), e.getMessage());
    }
    ExecutorService handlers = Executors.newFixedThreadPool(8, runnable -> {
      Thread thread = new Thread(runnable, "floe-serve-http");
      thread.setDaemon(true);
      return thread;
    });
    http.setExecutor(handlers);
    FloeServer server = new FloeServer(projectDir, options, http, handlers);
    http.createContext("/", server::dispatch);
    http.start();
    boolean opened = false;
    try {
      server.open(project);
      opened = true;
    } finally {
      // The port's dispatcher thread would keep the JVM alive after a failed start.
      if (!opened) {
        server.close();
      }
    }
    return server;
  }

  private void open(Project project) {
    engine = FloeEngine.open(project);
    List<String> interrupted = ProjectRun.recoverInterrupted(project, engine);
    if (!interrupted.isEmpty()) {
      LOG.info("Marked {} interrupted runs and removed what they left: {}", interrupted.size(), interrupted);
    }
    history = RunStore.open(project.stateDir());
    queue = new RunQueue(projectDir, engine);
    scheduler = new Scheduler(Schedules.load(project.configFile()), project.stateDir(), queue, this::hasNewData);
    backfills = new Backfills(project.stateDir(), queue);
    api = new ApiRoutes(projectDir, engine, queue, scheduler, history, backfills);
    iceberg = new IcebergRestHandler(engine::icebergCatalog, changes -> MultiTablePublish.commit(engine, changes));
    scheduler.start();
    backfills.start();
    ready = true;
    Thread warming = new Thread(() -> warmUp(project), "floe-serve-warm-up");
    warming.setDaemon(true);
    warming.start();
  }

  /**
   * While no run runs, Spark plans each model's query once ({@link QueryWarmUp}), so that the first runs find
   * that code loaded and compiled. It gives way to the first run that starts or waits: a run does not share
   * the CPU with it beyond the model being planned then.
   */
  private void warmUp(Project project) {
    long deadline = System.nanoTime() + WARM_UP_LIMIT.toNanos();
    // It starts once the server is ready; close() says it is not before anything else.
    java.util.function.BooleanSupplier stop = () -> !ready || System.nanoTime() > deadline
        || queue.running().isPresent() || queue.queued() > 0;
    try {
      QueryWarmUp.Result result = QueryWarmUp.run(engine, ModelProject.load(project), stop);
      warmUp = result.planned() + result.notPlanned() < result.models() ? "stopped" : "done";
    } catch (RuntimeException e) {
      // A project whose models do not load now fails its first run, with the message where a user looks.
      LOG.warn("Warm-up stopped: {}", e.getMessage(), e);
      warmUp = "stopped";
    }
  }

  // An event trigger's question, asked of the project as it is on disk now (sources may have changed).
  private boolean hasNewData(List<String> sourceNames) {
    ProjectSources sources = ProjectSources.load(Project.load(projectDir));
    Ingestion ingestion = new Ingestion(engine, sources);
    for (SourceDefinition source : sources.select(sourceNames)) {
      if (ingestion.hasNewData(source)) {
        return true;
      }
    }
    return false;
  }

  /** The port the server listens on. */
  public int port() {
    return http.getAddress().getPort();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
  public String url() {
    String host = http.getAddress().getAddress().getHostAddress();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
  }

  /** The run queue (for a caller that triggers runs in-process). */
  public RunQueue runs() {
    return queue;
  }

  private void dispatch(HttpExchange raw) throws IOException {
    String path = raw.getRequestURI().getRawPath();
    try {
      if (path.equals("/health")) {
        new Exchange(raw, path).sendJson(ready ? 200 : 503, ready ? Map.of("status", "ready", "warmUp", warmUp)
            : Map.of("status", "starting"));
      } else if (path.equals("/api/openapi.json")) {
        resource(new Exchange(raw, path), "/io/floe/server/api/openapi.json", "application/json");
      } else if (path.equals("/api") || path.startsWith("/api/")) {
        Exchange exchange = new Exchange(raw, path.substring(4));
        if (notReady(exchange)) {
          return;
        }
        Access access = access(exchange);
        Access needed = ApiRoutes.writes(exchange.method()) ? Access.WRITE : Access.READ;
        if (access.compareTo(needed) < 0) {
          exchange.sendJson(access == Access.NONE ? 401 : 403, Map.of("error", access == Access.NONE
              ? "A token is required: send 'Authorization: Bearer TOKEN'."
              : "This token may only read; " + exchange.method() + " needs the read-write token."));
          return;
        }
        api.handle(exchange, exchange.path());
      } else if (path.equals("/iceberg") || path.startsWith("/iceberg/")) {
        Exchange exchange = new Exchange(raw, path.substring("/iceberg".length()));
        if (notReady(exchange)) {
          return;
        }
        iceberg.handle(exchange, exchange.path(), access(exchange));
      } else if (path.equals("/metrics")) {
        Exchange exchange = new Exchange(raw, path);
        if (notReady(exchange)) {
          return;
        }
        if (access(exchange) == Access.NONE) {
          exchange.sendJson(401, Map.of("error", "A token is required: send 'Authorization: Bearer TOKEN'."));
          return;
        }
        String text = api.withHistory(store -> PrometheusMetrics.render(store, queue.running().isPresent(),
            queue.queued()));
        exchange.send(200, "text/plain; version=0.0.4; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
      } else {
        staticFile(new Exchange(raw, path), path);
      }
    } catch (RuntimeException e) {
      LOG.warn("{} {} failed: {}", raw.getRequestMethod(), path, e.getMessage(), e);
      new Exchange(raw, path).sendJson(500, Map.of("error", String.valueOf(e.getMessage())));
    }
  }

  private boolean notReady(Exchange exchange) throws IOException {
    if (!ready) {
      exchange.sendJson(503, Map.of("error", "The server is starting; /health answers 200 when it is ready."));
      return true;
    }
    return false;
  }

  // No tokens configured (only allowed on a loopback address): every caller may write.
  private Access access(Exchange exchange) {
    if (options.readToken().isEmpty() && options.writeToken().isEmpty()) {
      return Access.WRITE;
    }
    String header = exchange.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Access.NONE;
    }
    byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    if (options.writeToken().filter(token -> same(token, given)).isPresent()) {
      return Access.WRITE;
    }
    return options.readToken().filter(token -> same(token, given)).isPresent() ? Access.READ : Access.NONE;
  }

  private static boolean same(String token, byte[] given) {
    return MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), given);
  }

  private void staticFile(Exchange exchange, String path) throws IOException {
    String name = path.equals("/") || path.isEmpty() ? "index.html" : path.substring(1);
    if (!name.matches("[a-z0-9_-]+\\.(html|js|css|svg)")) {
      exchange.sendJson(404, Map.of("error", "No page " + path));
      return;
    }
    String type = switch (name.substring(name.lastIndexOf('.') + 1)) {
      case "html" -> "text/html; charset=utf-8";
      case "js" -> "text/javascript; charset=utf-8";
      case "css" -> "text/css; charset=utf-8";
      default -> "image/svg+xml";
    };
    resource(exchange, UI + name, type);
  }

  private static void resource(Exchange exchange, String resource, String type) throws IOException {
    try (InputStream in = FloeServer.class.getResourceAsStream(resource)) {
      if (in == null) {
        exchange.sendJson(404, Map.of("error", "No such file " + resource));
        return;
      }
      exchange.send(200, type, in.readAllBytes());
    }
  }

  /**
   * Stops: no new run starts, the running one gets the grace period to finish and is then
   * cancelled (it discards what it had not published and records itself), then the port closes.
   */
  @Override
  public void close() {
    ready = false;
    if (scheduler != null) {
      scheduler.close();
    }
    if (queue != null) {
      queue.shutdown(options.shutdownGrace());
    }
    http.stop(1);
    handlers.shutdownNow();
    if (history != null) {
      history.close();
    }
    if (engine != null) {
      engine.close();
    }
  }
}
