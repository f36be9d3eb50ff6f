package io.floe.server.iceberg;

import static java.util.Objects.requireNonNull;

import io.floe.server.http.Exchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.catalog.ViewCatalog;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NamespaceNotEmptyException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NoSuchViewException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.rest.CatalogHandlers;
import org.apache.iceberg.rest.Endpoint;
import org.apache.iceberg.rest.RESTSerializers;
import org.apache.iceberg.rest.RESTUtil;
import org.apache.iceberg.rest.requests.CommitTransactionRequest;
import org.apache.iceberg.rest.requests.CreateNamespaceRequest;
import org.apache.iceberg.rest.requests.CreateTableRequest;
import org.apache.iceberg.rest.requests.CreateViewRequest;
import org.apache.iceberg.rest.requests.RegisterTableRequest;
import org.apache.iceberg.rest.requests.RenameTableRequest;
import org.apache.iceberg.rest.requests.UpdateNamespacePropertiesRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.ConfigResponse;
import org.apache.iceberg.rest.responses.ErrorResponse;
import org.apache.iceberg.rest.responses.ErrorResponseParser;
import org.apache.iceberg.shaded.com.fasterxml.jackson.annotation.JsonAutoDetect;
import org.apache.iceberg.shaded.com.fasterxml.jackson.annotation.PropertyAccessor;
import org.apache.iceberg.shaded.com.fasterxml.jackson.databind.DeserializationFeature;
import org.apache.iceberg.shaded.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.iceberg.shaded.com.fasterxml.jackson.databind.PropertyNamingStrategies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Iceberg REST catalog protocol over the project's catalog, at {@code /iceberg}: a client's
 * catalog URI is {@code http://HOST:PORT/iceberg}. The work of each endpoint is Iceberg's own
 * {@link CatalogHandlers} and its messages are Iceberg's own serializers; what is here is routing
 * (driven by Iceberg's {@link Endpoint} list), access by token, and errors as the protocol writes them.
 */
public final class IcebergRestHandler {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergRestHandler.class);

  /** The REST messages' JSON: kebab-case fields and Iceberg's serializers, as Iceberg's own client expects. */
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .setPropertyNamingStrategy(new PropertyNamingStrategies.KebabCaseStrategy());

  static {
    RESTSerializers.registerAll(MAPPER);
  }

  /** What a request may do. */
  public enum Access {
    NONE, READ, WRITE
  }

  private interface Handler {
    /** @return the response message, or null for 204 No Content */
    Object handle(Map<String, String> path, Exchange exchange) throws IOException;
  }

  private record Route(Endpoint endpoint, String[] segments, Handler handler) {}

  /** Commits several tables' changes at once: all or none. */
  public interface TransactionCommitter {
    /**
     * @throws CommitFailedException when a table's requirement does not hold: nothing is committed
     * @throws UnsupportedOperationException when the catalog cannot commit several tables at once
     */
    void commit(List<UpdateTableRequest> changes);
  }

  private final Supplier<Catalog> catalog;
  private final TransactionCommitter transactions;
  private final List<Route> routes = new ArrayList<>();

  public IcebergRestHandler(Supplier<Catalog> catalog, TransactionCommitter transactions) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.transactions = requireNonNull(transactions, "transactions is null");
    route(Endpoint.V1_LIST_NAMESPACES, (path, x) -> {
      String parent = x.query().get("parent");
      return CatalogHandlers.listNamespaces(namespaces(), parent == null ? Namespace.empty()
          : RESTUtil.namespaceFromQueryParam(parent));
    });
    route(Endpoint.V1_CREATE_NAMESPACE, (path, x) ->
        CatalogHandlers.createNamespace(namespaces(), read(x, CreateNamespaceRequest.class)));
    route(Endpoint.V1_LOAD_NAMESPACE, (path, x) -> CatalogHandlers.loadNamespace(namespaces(), namespace(path)));
    route(Endpoint.V1_NAMESPACE_EXISTS, (path, x) -> {
      CatalogHandlers.namespaceExists(namespaces(), namespace(path));
      return null;
    });
    route(Endpoint.V1_DELETE_NAMESPACE, (path, x) -> {
      CatalogHandlers.dropNamespace(namespaces(), namespace(path));
      return null;
    });
    route(Endpoint.V1_UPDATE_NAMESPACE, (path, x) -> CatalogHandlers.updateNamespaceProperties(namespaces(),
        namespace(path), read(x, UpdateNamespacePropertiesRequest.class)));
    route(Endpoint.V1_LIST_TABLES, (path, x) -> CatalogHandlers.listTables(catalog.get(), namespace(path)));
    route(Endpoint.V1_CREATE_TABLE, (path, x) -> {
      CreateTableRequest request = read(x, CreateTableRequest.class);
      return request.stageCreate()
          ? CatalogHandlers.stageTableCreate(catalog.get(), namespace(path), request)
          : CatalogHandlers.createTable(catalog.get(), namespace(path), request);
    });
    route(Endpoint.V1_LOAD_TABLE, (path, x) -> CatalogHandlers.loadTable(catalog.get(), table(path)));
    route(Endpoint.V1_TABLE_EXISTS, (path, x) -> {
      CatalogHandlers.tableExists(catalog.get(), table(path));
      return null;
    });
    route(Endpoint.V1_UPDATE_TABLE, (path, x) ->
        CatalogHandlers.updateTable(catalog.get(), table(path), read(x, UpdateTableRequest.class)));
    route(Endpoint.V1_DELETE_TABLE, (path, x) -> {
      if (Boolean.parseBoolean(x.query().getOrDefault("purgeRequested", "false"))) {
        CatalogHandlers.purgeTable(catalog.get(), table(path));
      } else {
        CatalogHandlers.dropTable(catalog.get(), table(path));
      }
      return null;
    });
    route(Endpoint.V1_RENAME_TABLE, (path, x) -> {
      CatalogHandlers.renameTable(catalog.get(), read(x, RenameTableRequest.class));
      return null;
    });
    route(Endpoint.V1_REGISTER_TABLE, (path, x) ->
        CatalogHandlers.registerTable(catalog.get(), namespace(path), read(x, RegisterTableRequest.class)));
    // A build publishes all its tables in one such commit (Iceberg's CatalogHandlers has no handler for it).
    route(Endpoint.V1_COMMIT_TRANSACTION, (path, x) -> {
      CommitTransactionRequest request = read(x, CommitTransactionRequest.class);
      request.validate();
      transactions.commit(request.tableChanges());
      return null;
    });
    // Clients report scan and commit metrics after their work; the server has no use for them yet.
    route(Endpoint.V1_REPORT_METRICS, (path, x) -> null);
    route(Endpoint.V1_LIST_VIEWS, (path, x) -> CatalogHandlers.listViews(views(), namespace(path)));
    route(Endpoint.V1_CREATE_VIEW, (path, x) ->
        CatalogHandlers.createView(views(), namespace(path), read(x, CreateViewRequest.class)));
    route(Endpoint.V1_LOAD_VIEW, (path, x) -> CatalogHandlers.loadView(views(), view(path)));
    route(Endpoint.V1_VIEW_EXISTS, (path, x) -> {
      CatalogHandlers.viewExists(views(), view(path));
      return null;
    });
    route(Endpoint.V1_UPDATE_VIEW, (path, x) ->
        CatalogHandlers.updateView(views(), view(path), read(x, UpdateTableRequest.class)));
    route(Endpoint.V1_DELETE_VIEW, (path, x) -> {
      CatalogHandlers.dropView(views(), view(path));
      return null;
    });
    route(Endpoint.V1_RENAME_VIEW, (path, x) -> {
      CatalogHandlers.renameView(views(), read(x, RenameTableRequest.class));
      return null;
    });
  }

  private void route(Endpoint endpoint, Handler handler) {
    // Floe serves one catalog, so it advertises no prefix: the paths are /v1/namespaces/...
    String template = endpoint.path().replace("/{prefix}", "");
    routes.add(new Route(endpoint, template.substring(1).split("/"), handler));
  }

  /** The endpoints served, as {@code GET /v1/config} lists them. */
  public List<Endpoint> endpoints() {
    return routes.stream().map(Route::endpoint).toList();
  }

  /**
   * Answers one request; {@code path} is below {@code /iceberg}, e.g. {@code /v1/namespaces}.
   * A request that needs more than {@code access} is answered 403 (401 with no token at all).
   */
  public void handle(Exchange exchange, String path, Access access) throws IOException {
    String method = exchange.method();
    try {
      if (access == Access.NONE) {
        throw new NotAuthorizedException("A token is required: pass it as the catalog's 'token' property");
      }
      if ("GET".equals(method) && "/v1/config".equals(path)) {
        ConfigResponse config = ConfigResponse.builder().withEndpoints(endpoints()).build();
        send(exchange, 200, config);
        return;
      }
      String[] segments = path.startsWith("/") ? path.substring(1).split("/") : path.split("/");
      for (Route route : routes) {
        Map<String, String> variables = match(route, method, segments);
        if (variables == null) {
          continue;
        }
        boolean reads = "GET".equals(method) || "HEAD".equals(method) || route.endpoint() == Endpoint.V1_REPORT_METRICS;
        if (!reads && access != Access.WRITE) {
          throw new ForbiddenException("This token may only read: %s %s needs a read-write token", method, path);
        }
        Object response = route.handler().handle(variables, exchange);
        if (response == null) {
          exchange.sendEmpty();
        } else {
          send(exchange, 200, response);
        }
        return;
      }
      error(exchange, 404, "NotFoundException", "No such endpoint: " + method + " " + path
          + ". This server serves the Iceberg REST catalog API v1; GET /iceberg/v1/config lists its endpoints.");
    } catch (RuntimeException e) {
      int status = status(e);
      if (status >= 500) {
        LOG.warn("Iceberg REST {} {} failed: {}", method, path, e.getMessage(), e);
      }
      error(exchange, status, e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
    }
  }

  private static Map<String, String> match(Route route, String method, String[] segments) {
    if (!route.endpoint().httpMethod().equals(method) || route.segments().length != segments.length) {
      return null;
    }
    Map<String, String> variables = new LinkedHashMap<>();
    for (int i = 0; i < segments.length; i++) {
      String expected = route.segments()[i];
      if (expected.startsWith("{") && expected.endsWith("}")) {
        variables.put(expected.substring(1, expected.length() - 1), segments[i]);
      } else if (!expected.equals(segments[i])) {
        return null;
      }
    }
    return variables;
  }

  private static int status(RuntimeException e) {
    if (e instanceof NoSuchNamespaceException || e instanceof NoSuchTableException || e instanceof NoSuchViewException
        || e instanceof Exchange.NotFound) {
      return 404;
    }
    if (e instanceof AlreadyExistsException || e instanceof NamespaceNotEmptyException
        || e instanceof CommitFailedException) {
      return 409;
    }
    if (e instanceof NotAuthorizedException) {
      return 401;
    }
    if (e instanceof ForbiddenException) {
      return 403;
    }
    if (e instanceof IllegalArgumentException || e instanceof ValidationException || e instanceof Exchange.BadRequest) {
      return 400;
    }
    if (e instanceof UnsupportedOperationException) {
      return 406;
    }
    return 500;
  }

  private SupportsNamespaces namespaces() {
    if (catalog.get() instanceof SupportsNamespaces namespaces) {
      return namespaces;
    }
    throw new UnsupportedOperationException("The project's catalog has no namespaces");
  }

  private ViewCatalog views() {
    if (catalog.get() instanceof ViewCatalog views) {
      return views;
    }
    throw new UnsupportedOperationException("The project's catalog keeps no views");
  }

  private static Namespace namespace(Map<String, String> path) {
    return RESTUtil.decodeNamespace(path.get("namespace"));
  }

  private static TableIdentifier table(Map<String, String> path) {
    return TableIdentifier.of(namespace(path), RESTUtil.decodeString(path.get("table")));
  }

  private static TableIdentifier view(Map<String, String> path) {
    return TableIdentifier.of(namespace(path), RESTUtil.decodeString(path.get("view")));
  }

  private static <T> T read(Exchange exchange, Class<T> type) throws IOException {
    try {
      return MAPPER.readValue(exchange.body(), type);
    } catch (org.apache.iceberg.shaded.com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new Exchange.BadRequest("Cannot read the request as " + type.getSimpleName() + ": "
          + e.getOriginalMessage());
    }
  }

  private static void send(Exchange exchange, int status, Object message) throws IOException {
    exchange.send(status, "application/json", MAPPER.writeValueAsBytes(message));
  }

  private static void error(Exchange exchange, int status, String type, String message) throws IOException {
    ErrorResponse error = ErrorResponse.builder().responseCode(status).withType(type).withMessage(message).build();
    exchange.send(status, "application/json", ErrorResponseParser.toJson(error).getBytes(StandardCharsets.UTF_8));
  }
}
