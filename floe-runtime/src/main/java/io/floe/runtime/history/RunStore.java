package io.floe.runtime.history;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The project's run history, in SQLite ({@code .floe/runs.db}): every run, every node of it
 * (ingest batches with rows, bytes, positions and snapshot ids; models; tests with a few offending
 * rows) and its log. Each row is written when it happens, in its own transaction, so a run killed
 * with {@code kill -9} keeps what it did; the next writer marks it {@code interrupted}.
 */
public final class RunStore implements AutoCloseable {
  /** The database file, under the project's state directory. */
  public static final String FILE_NAME = "runs.db";

  /** Where a run stands. */
  public enum RunStatus {
    RUNNING, SUCCESS, FAILED, CANCELLED, INTERRUPTED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One run.
   *
   * @param command what ran it, e.g. {@code build -s orders+}
   * @param message why it failed, or its summary
   */
  public record Run(String id, String command, Instant startedAt, Optional<Instant> finishedAt, RunStatus status,
      long pid, String message) {
    public Run {
      requireNonNull(id, "id is null");
      requireNonNull(command, "command is null");
      requireNonNull(startedAt, "startedAt is null");
      requireNonNull(finishedAt, "finishedAt is null");
      requireNonNull(status, "status is null");
      requireNonNull(message, "message is null");
    }
  }

  /**
   * One node of a run: an ingest batch, a source, a model, a test or a table maintained.
   *
   * @param kind {@code batch}, {@code source}, {@code model}, {@code test} or {@code maintain}
   * @param target the table written or tested, or empty
   * @param snapshotId the snapshot committed, or empty
   * @param position a source's position after the batch, or empty
   * @param detail a message, or a test's first offending rows (one per line)
   */
  public record Node(String kind, String name, String target, String status, long rows, long bytes, long millis,
      String snapshotId, String position, String detail, Work work) {
    public Node {
      requireNonNull(kind, "kind is null");
      requireNonNull(name, "name is null");
      requireNonNull(target, "target is null");
      requireNonNull(status, "status is null");
      requireNonNull(snapshotId, "snapshotId is null");
      requireNonNull(position, "position is null");
      requireNonNull(detail, "detail is null");
      requireNonNull(work, "work is null");
    }

    /** A node that ran no engine work of its own (or whose work was not measured). */
    public Node(String kind, String name, String target, String status, long rows, long bytes, long millis,
        String snapshotId, String position, String detail) {
      this(kind, name, target, status, rows, bytes, millis, snapshotId, position, detail, Work.NONE);
    }
  }

  /**
   * What the engine's tasks did for a node, summed over its Spark jobs (see {@code floe runs show}).
   *
   * @param jobs Spark jobs the node started
   * @param cpuMillis executor CPU time of its tasks
   * @param taskMillis executor run time of its tasks (CPU, I/O and waiting; more than the node's
   *     seconds when tasks ran in parallel)
   * @param gcMillis time its tasks spent in garbage collection
   * @param rowsRead rows its tasks read from tables and files
   * @param shuffleBytes bytes its tasks shuffled
   * @param spillBytes bytes its sorts and aggregations spilled to disk
   * @param rowsWritten rows its tasks wrote
   * @param bytesWritten bytes its tasks wrote
   */
  public record Work(long jobs, long cpuMillis, long taskMillis, long gcMillis, long rowsRead, long shuffleBytes,
      long spillBytes, long rowsWritten, long bytesWritten) {
    /** No engine work. */
    public static final Work NONE = new Work(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** True when the node started no Spark job. */
    public boolean isEmpty() {
      return jobs == 0;
    }
  }

  /** The columns of {@link Work} in the nodes table, in the record's order. */
  private static final List<String> WORK_COLUMNS = List.of("jobs", "cpu_millis", "task_millis", "gc_millis",
      "rows_read", "shuffle_bytes", "spill_bytes", "rows_written", "bytes_written");
  private static final String NODE_COLUMNS = "kind, name, target, status, rows, bytes, millis, snapshot_id, position, "
      + "detail, " + String.join(", ", WORK_COLUMNS);

  private final Path file;
  private final Connection connection;

  private RunStore(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  /** Opens (creating if needed) the history of the project whose state directory is {@code stateDir}. */
  public static RunStore open(Path stateDir) {
    Path file = stateDir.resolve(FILE_NAME);
    try {
      Files.createDirectories(stateDir);
      Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA busy_timeout = 10000");
        statement.execute("PRAGMA journal_mode = WAL");
        statement.execute("CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, command TEXT NOT NULL, "
            + "started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL, pid INTEGER NOT NULL, "
            + "message TEXT NOT NULL DEFAULT '')");
        statement.execute("CREATE TABLE IF NOT EXISTS nodes (run_id TEXT NOT NULL, seq INTEGER NOT NULL, "
            + "kind TEXT NOT NULL, name TEXT NOT NULL, target TEXT NOT NULL, status TEXT NOT NULL, "
            + "rows INTEGER NOT NULL, bytes INTEGER NOT NULL, millis INTEGER NOT NULL, snapshot_id TEXT NOT NULL, "
            + "position TEXT NOT NULL, detail TEXT NOT NULL, PRIMARY KEY (run_id, seq))");
        statement.execute("CREATE TABLE IF NOT EXISTS run_log (run_id TEXT NOT NULL, seq INTEGER NOT NULL, "
            + "at TEXT NOT NULL, line TEXT NOT NULL, PRIMARY KEY (run_id, seq))");
        addWorkColumns(connection);
      }
      return new RunStore(file, connection);
    } catch (java.io.IOException | SQLException e) {
      throw FloeException.external(e, "Cannot open the run history %s: %s", file, e.getMessage());
    }
  }

  // A history written before nodes had their work gets the columns, zero for its old nodes.
  private static void addWorkColumns(Connection connection) throws SQLException {
    List<String> present = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet columns = statement.executeQuery("PRAGMA table_info(nodes)")) {
      while (columns.next()) {
        present.add(columns.getString("name"));
      }
    }
    for (String column : WORK_COLUMNS) {
      if (!present.contains(column)) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("ALTER TABLE nodes ADD COLUMN " + column + " INTEGER NOT NULL DEFAULT 0");
        }
      }
    }
  }

  /**
   * Marks runs still {@code running} as {@code interrupted}: their process is gone. Call it only
   * while holding the project's lock, when no run of the project can be running.
   *
   * @return the ids of the runs marked
   */
  public List<String> markInterrupted() {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement("SELECT id FROM runs WHERE status = ? ORDER BY id")) {
      select.setString(1, RunStatus.RUNNING.label());
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          ids.add(result.getString(1));
        }
      }
      for (String id : ids) {
        finish(id, RunStatus.INTERRUPTED, "the process stopped before the run finished (killed or crashed)");
      }
      return ids;
    } catch (SQLException e) {
      throw failure("mark interrupted runs", e);
    }
  }

  /** Records that run {@code id} started now. */
  public void start(String id, String command) {
    update("record run " + id, "INSERT INTO runs (id, command, started_at, status, pid) VALUES (?, ?, ?, ?, ?)", id,
        command, Instant.now().toString(), RunStatus.RUNNING.label(), ProcessHandle.current().pid());
  }

  /** Appends a node to run {@code runId}. */
  public void node(String runId, Node node) {
    Work work = node.work();
    update("record a node of run " + runId, "INSERT INTO nodes (run_id, seq, " + NODE_COLUMNS + ") VALUES (?, "
        + "(SELECT coalesce(max(seq), 0) + 1 FROM nodes WHERE run_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        + "?, ?, ?, ?)", runId, runId, node.kind(), node.name(), node.target(), node.status(), node.rows(), node.bytes(),
        node.millis(), node.snapshotId(), node.position(), node.detail(), work.jobs(), work.cpuMillis(),
        work.taskMillis(), work.gcMillis(), work.rowsRead(), work.shuffleBytes(), work.spillBytes(), work.rowsWritten(),
        work.bytesWritten());
  }

  /**
   * Sets the work of run {@code runId}'s last node of {@code kind} named {@code name}: a model's is
   * known only once Spark has delivered the events of its jobs, after the node was recorded.
   */
  public void work(String runId, String kind, String name, Work work) {
    update("record the work of " + kind + " " + name + " of run " + runId, "UPDATE nodes SET "
        + String.join(" = ?, ", WORK_COLUMNS) + " = ? WHERE run_id = ? AND seq = (SELECT max(seq) FROM nodes "
        + "WHERE run_id = ? AND kind = ? AND name = ?)", work.jobs(), work.cpuMillis(), work.taskMillis(),
        work.gcMillis(), work.rowsRead(), work.shuffleBytes(), work.spillBytes(), work.rowsWritten(),
        work.bytesWritten(), runId, runId, kind, name);
  }

  /** Appends a line to run {@code runId}'s log. */
  public void log(String runId, String line) {
    update("record the log of run " + runId, "INSERT INTO run_log (run_id, seq, at, line) VALUES (?, (SELECT "
        + "coalesce(max(seq), 0) + 1 FROM run_log WHERE run_id = ?), ?, ?)", runId, runId, Instant.now().toString(),
        line);
  }

  /** Records how run {@code id} ended. */
  public void finish(String id, RunStatus status, String message) {
    update("record the end of run " + id, "UPDATE runs SET status = ?, finished_at = ?, message = ? WHERE id = ?",
        status.label(), Instant.now().toString(), message, id);
  }

  /** The last {@code last} runs, oldest first. */
  public List<Run> runs(int last) {
    List<Run> runs = new ArrayList<>(runs(last, null, null));
    Collections.reverse(runs);
    return runs;
  }

  /**
   * The newest {@code limit} runs, newest first, of one status and whose command starts with
   * {@code commandPrefix} (each filter skipped when null).
   */
  public List<Run> runs(int limit, RunStatus status, String commandPrefix) {
    List<Run> runs = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT id, command, started_at, finished_at, status, pid, message FROM runs WHERE (? IS NULL OR status = ?) "
            + "AND (? IS NULL OR substr(command, 1, length(?)) = ?) ORDER BY id DESC LIMIT ?")) {
      String statusLabel = status == null ? null : status.label();
      select.setString(1, statusLabel);
      select.setString(2, statusLabel);
      select.setString(3, commandPrefix);
      select.setString(4, commandPrefix);
      select.setString(5, commandPrefix);
      select.setInt(6, limit);
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          runs.add(run(result));
        }
      }
    } catch (SQLException e) {
      throw failure("read the run history", e);
    }
    return runs;
  }

  /** How many runs ended (or stand) in each status. */
  public java.util.Map<RunStatus, Long> countByStatus() {
    java.util.Map<RunStatus, Long> counts = new java.util.EnumMap<>(RunStatus.class);
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT status, count(*) FROM runs GROUP BY status")) {
      while (result.next()) {
        counts.put(RunStatus.valueOf(result.getString(1).toUpperCase(Locale.ROOT)), result.getLong(2));
      }
    } catch (SQLException e) {
      throw failure("count runs", e);
    }
    return counts;
  }

  /**
   * The last recorded node of each kind and name (a model's or test's latest outcome), with the
   * run that recorded it.
   */
  public List<LatestNode> latestNodes() {
    List<LatestNode> nodes = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT n.run_id, " + NODE_COLUMNS.replaceAll("(\\w+)", "n.$1")
            + " FROM nodes n JOIN (SELECT kind, name, "
            + "max(run_id || ':' || printf('%09d', seq)) AS last FROM nodes GROUP BY kind, name) l ON n.kind = l.kind "
            + "AND n.name = l.name AND n.run_id || ':' || printf('%09d', n.seq) = l.last")) {
      while (result.next()) {
        nodes.add(new LatestNode(result.getString(1), node(result, 2)));
      }
    } catch (SQLException e) {
      throw failure("read the nodes' last outcomes", e);
    }
    return nodes;
  }

  /** A node's latest outcome and the run it belongs to. */
  public record LatestNode(String runId, Node node) {}

  /** The run with id {@code id}, if recorded. */
  public Optional<Run> run(String id) {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT id, command, started_at, finished_at, status, pid, message FROM runs WHERE id = ?")) {
      select.setString(1, id);
      try (ResultSet result = select.executeQuery()) {
        return result.next() ? Optional.of(run(result)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read run " + id, e);
    }
  }

  /** The nodes of run {@code id}, in the order they happened. */
  public List<Node> nodes(String id) {
    List<Node> nodes = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement("SELECT " + NODE_COLUMNS
        + " FROM nodes WHERE run_id = ? ORDER BY seq")) {
      select.setString(1, id);
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          nodes.add(node(result, 1));
        }
      }
    } catch (SQLException e) {
      throw failure("read the nodes of run " + id, e);
    }
    return nodes;
  }

  // A node from NODE_COLUMNS, read from column {@code first} on.
  private static Node node(ResultSet result, int first) throws SQLException {
    int c = first;
    return new Node(result.getString(c), result.getString(c + 1), result.getString(c + 2), result.getString(c + 3),
        result.getLong(c + 4), result.getLong(c + 5), result.getLong(c + 6), result.getString(c + 7),
        result.getString(c + 8), result.getString(c + 9), new Work(result.getLong(c + 10), result.getLong(c + 11),
            result.getLong(c + 12), result.getLong(c + 13), result.getLong(c + 14), result.getLong(c + 15),
            result.getLong(c + 16), result.getLong(c + 17), result.getLong(c + 18)));
  }

  /** The log lines of run {@code id}, in order. */
  public List<String> log(String id) {
    List<String> lines = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT line FROM run_log WHERE run_id = ? ORDER BY seq")) {
      select.setString(1, id);
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          lines.add(result.getString(1));
        }
      }
    } catch (SQLException e) {
      throw failure("read the log of run " + id, e);
    }
    return lines;
  }

  private static Run run(ResultSet result) throws SQLException {
    String finished = result.getString(4);
    return new Run(result.getString(1), result.getString(2), Instant.parse(result.getString(3)),
        finished == null ? Optional.empty() : Optional.of(Instant.parse(finished)),
        RunStatus.valueOf(result.getString(5).toUpperCase(Locale.ROOT)), result.getLong(6), result.getString(7));
  }

  private void update(String action, String sql, Object... values) {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        statement.setObject(i + 1, values[i]);
      }
      statement.executeUpdate();
    } catch (SQLException e) {
      throw failure(action, e);
    }
  }

  private FloeException failure(String action, SQLException e) {
    return FloeException.external(e, "Cannot %s in %s: %s", action, file, e.getMessage());
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw failure("close", e);
    }
  }
}
