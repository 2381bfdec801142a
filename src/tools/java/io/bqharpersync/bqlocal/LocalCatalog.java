package io.bqharpersync.bqlocal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Datasets and tables of the stand-in, held in an in-memory H2 database: one schema per dataset,
 * one table per table, with BigQuery's functions registered as aliases. Table schemas are kept in
 * BigQuery's own JSON form, so results can be typed as BigQuery would type them.
 */
final class LocalCatalog implements AutoCloseable {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** A finished query: its schema (BigQuery JSON fields) and rows (engine values). */
  static final class QueryResult {
    final ArrayNode fields;
    final List<Object[]> rows;

    QueryResult(ArrayNode fields, List<Object[]> rows) {
      this.fields = fields;
      this.rows = rows;
    }
  }

  private final String url;
  private final Connection keepAlive;
  private final Map<String, ArrayNode> schemas = new ConcurrentHashMap<>();

  LocalCatalog() throws SQLException {
    // Identifiers keep their case and compare without it, as BigQuery column names do.
    url = "jdbc:h2:mem:bqlocal-" + UUID.randomUUID()
        + ";DB_CLOSE_DELAY=-1;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE";
    keepAlive = DriverManager.getConnection(url);
    try (Statement s = keepAlive.createStatement()) {
      String fns = BigQueryFunctions.class.getName();
      s.execute("CREATE ALIAS BQ_FARM_FINGERPRINT DETERMINISTIC FOR \"" + fns + ".farmFingerprint\"");
      s.execute("CREATE ALIAS BQ_ABS DETERMINISTIC FOR \"" + fns + ".abs\"");
      s.execute("CREATE ALIAS BQ_MOD DETERMINISTIC FOR \"" + fns + ".mod\"");
      s.execute("CREATE ALIAS BQ_DIV DETERMINISTIC FOR \"" + fns + ".div\"");
      s.execute("CREATE ALIAS BQ_UNIX_MICROS DETERMINISTIC FOR \"" + fns + ".unixMicros\"");
      s.execute("CREATE ALIAS BQ_CAST_STRING DETERMINISTIC FOR \"" + fns + ".castToString\"");
      s.execute("CREATE ALIAS BQ_TIMESTAMP_STRING DETERMINISTIC FOR \"" + fns + ".timestampToString\"");
    }
  }

  private static String key(String dataset, String table) {
    return dataset.toLowerCase() + "." + table.toLowerCase();
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  void createDataset(String dataset) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(dataset));
    }
  }

  boolean tableExists(String dataset, String table) {
    return schemas.containsKey(key(dataset, table));
  }

  ArrayNode schema(String dataset, String table) {
    ArrayNode fields = schemas.get(key(dataset, table));
    if (fields == null) {
      throw new NotFound("Not found: Table " + dataset + "." + table);
    }
    return fields;
  }

  private String columnType(String dataset, String table, String column) {
    ArrayNode fields = schemas.get(key(dataset, table));
    if (fields != null) {
      for (JsonNode field : fields) {
        if (field.path("name").asText().equalsIgnoreCase(column) && !BigQueryValues.repeated(field)) {
          return BigQueryValues.type(field);
        }
      }
    }
    return null;
  }

  void createTable(String dataset, String table, ArrayNode fields) throws SQLException {
    List<String> columns = new ArrayList<>();
    for (JsonNode field : fields) {
      columns.add(quote(field.path("name").asText()) + " " + BigQueryValues.columnType(field));
    }
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(dataset));
      s.execute("CREATE TABLE " + quote(dataset) + "." + quote(table) + " ("
          + String.join(", ", columns) + ")");
    }
    schemas.put(key(dataset, table), BigQueryValues.withLegacyTypeNames(fields));
    // Stands in for time partitioning: a range on a timestamp reads that range, not the table.
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      for (JsonNode field : fields) {
        if (!BigQueryValues.repeated(field) && BigQueryValues.type(field).equals("TIMESTAMP")) {
          String name = field.path("name").asText();
          s.execute("CREATE INDEX " + quote("ix_" + table + "_" + name) + " ON " + quote(dataset)
              + "." + quote(table) + " (" + quote(name) + ")");
        }
      }
    }
  }

  /**
   * Applies a new schema to a table, as {@code tables.patch} and {@code tables.update} do: BigQuery
   * lets a schema only grow by new NULLABLE or REPEATED columns at its end, so anything else (a
   * column dropped, renamed, retyped, or made REQUIRED) is refused. Existing rows read NULL (or an
   * empty array) in the new columns.
   */
  void addColumns(String dataset, String table, ArrayNode fields) throws SQLException {
    ArrayNode current = schema(dataset, table);
    ArrayNode proposed = BigQueryValues.withLegacyTypeNames(fields);
    for (int i = 0; i < current.size(); i++) {
      if (i >= proposed.size() || !current.get(i).path("name").asText()
          .equals(proposed.get(i).path("name").asText())
          || !BigQueryValues.type(current.get(i)).equals(BigQueryValues.type(proposed.get(i)))) {
        throw new IllegalArgumentException("Provided Schema does not match Table " + dataset + "."
            + table + ": only new columns at the end of the schema can be added");
      }
    }
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      for (int i = current.size(); i < proposed.size(); i++) {
        JsonNode field = proposed.get(i);
        if ("REQUIRED".equalsIgnoreCase(field.path("mode").asText())) {
          throw new IllegalArgumentException("Provided Schema does not match Table " + dataset
              + "." + table + ": cannot add required field " + field.path("name").asText());
        }
        s.execute("ALTER TABLE " + quote(dataset) + "." + quote(table) + " ADD COLUMN "
            + quote(field.path("name").asText()) + " " + BigQueryValues.columnType(field));
      }
    }
    schemas.put(key(dataset, table), proposed);
  }

  /** Inserts insertAll rows ({@code json} objects); unknown fields are an error naming them. */
  void insert(String dataset, String table, List<JsonNode> rows) throws SQLException {
    ArrayNode fields = schema(dataset, table);
    List<String> names = new ArrayList<>();
    for (JsonNode field : fields) {
      names.add(field.path("name").asText());
    }
    StringBuilder sql = new StringBuilder("INSERT INTO " + quote(dataset) + "." + quote(table) + " (");
    for (int i = 0; i < names.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(quote(names.get(i)));
    }
    sql.append(") VALUES (").append("?, ".repeat(names.size() - 1)).append("?)");
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement insert = c.prepareStatement(sql.toString())) {
      for (JsonNode row : rows) {
        row.fieldNames().forEachRemaining(name -> {
          if (names.stream().noneMatch(n -> n.equalsIgnoreCase(name))) {
            throw new IllegalArgumentException("no such field: " + name);
          }
        });
        for (int i = 0; i < names.size(); i++) {
          insert.setObject(i + 1, BigQueryValues.toEngine(fields.get(i), field(row, names.get(i))));
        }
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static JsonNode field(JsonNode row, String name) {
    JsonNode value = row.get(name);
    if (value != null) {
      return value;
    }
    var names = row.fieldNames();
    while (names.hasNext()) {
      String candidate = names.next();
      if (candidate.equalsIgnoreCase(name)) {
        return row.get(candidate);
      }
    }
    return null;
  }

  QueryResult query(String googleSql, JsonNode queryParameters) throws SQLException {
    SqlTranslator.Translation translation = SqlTranslator.translate(googleSql, this::columnType);
    ArrayNode tableFields = translation.table == null || !tableExists(translation.table[0], translation.table[1])
        ? null : schema(translation.table[0], translation.table[1]);
    if (translation.table != null && tableFields == null) {
      throw new NotFound("Not found: Table " + translation.table[0] + "." + translation.table[1]);
    }
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement statement = c.prepareStatement(translation.sql)) {
      for (int i = 0; i < translation.parameterOrder.size(); i++) {
        String name = translation.parameterOrder.get(i);
        statement.setObject(i + 1, BigQueryValues.parameter(parameter(queryParameters, name)));
      }
      try (ResultSet rs = statement.executeQuery()) {
        ResultSetMetaData meta = rs.getMetaData();
        int width = meta.getColumnCount();
        ArrayNode fields = NODES.arrayNode();
        for (int i = 1; i <= width; i++) {
          fields.add(resultField(meta, i, tableFields));
        }
        List<Object[]> rows = new ArrayList<>();
        while (rs.next()) {
          Object[] row = new Object[width];
          for (int i = 1; i <= width; i++) {
            row[i - 1] = rs.getObject(i);
          }
          rows.add(row);
        }
        return new QueryResult(fields, rows);
      }
    }
  }

  /** Rows of a stored table, for tabledata.list. */
  QueryResult readTable(String dataset, String table) throws SQLException {
    return query("SELECT * FROM `" + dataset + "." + table + "`", NODES.arrayNode());
  }

  private static JsonNode parameter(JsonNode parameters, String name) {
    for (JsonNode parameter : parameters) {
      if (parameter.path("name").asText().equals(name)) {
        return parameter;
      }
    }
    throw new IllegalArgumentException("Query parameter '" + name + "' not found");
  }

  /** A table column keeps its declared schema (JSON, RECORD, REPEATED); expressions are typed. */
  private static JsonNode resultField(ResultSetMetaData meta, int column, ArrayNode tableFields)
      throws SQLException {
    String label = meta.getColumnLabel(column);
    if (tableFields != null) {
      for (JsonNode field : tableFields) {
        if (field.path("name").asText().equalsIgnoreCase(label)) {
          return field;
        }
      }
    }
    ObjectNode field = NODES.objectNode();
    field.put("name", label);
    field.put("type", typeOf(meta.getColumnType(column)));
    field.put("mode", "NULLABLE");
    return field;
  }

  private static String typeOf(int sqlType) {
    switch (sqlType) {
      case Types.BIGINT:
      case Types.INTEGER:
      case Types.SMALLINT:
      case Types.TINYINT:
        return "INTEGER";
      case Types.DOUBLE:
      case Types.FLOAT:
      case Types.REAL:
        return "FLOAT";
      case Types.BOOLEAN:
        return "BOOLEAN";
      case Types.TIMESTAMP_WITH_TIMEZONE:
      case Types.TIMESTAMP:
        return "TIMESTAMP";
      case Types.DATE:
        return "DATE";
      case Types.NUMERIC:
      case Types.DECIMAL:
        return "NUMERIC";
      default:
        return "STRING";
    }
  }

  /**
   * What BigQuery would bill: the whole of every column the query names, from the one table it
   * reads. No partition pruning is modelled, so this is an upper bound.
   */
  long estimateBytes(String googleSql) throws SQLException {
    SqlTranslator.Translation translation = SqlTranslator.translate(googleSql, this::columnType);
    if (translation.table == null) {
      return 0;
    }
    ArrayNode tableFields = schema(translation.table[0], translation.table[1]);
    String dataset = translation.table[0];
    String table = translation.table[1];
    long bytes = 0;
    String lowerSql = translation.sql.toLowerCase();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      for (JsonNode field : tableFields) {
        String name = field.path("name").asText();
        if (!lowerSql.contains("\"" + name.toLowerCase() + "\"") && !lowerSql.contains("*")) {
          continue;
        }
        try (ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(OCTET_LENGTH(CAST(" + quote(name)
            + " AS VARCHAR))), 0) FROM " + quote(dataset) + "." + quote(table))) {
          rs.next();
          bytes += rs.getLong(1);
        }
      }
    }
    return bytes;
  }

  @Override
  public void close() throws SQLException {
    try (Statement s = keepAlive.createStatement()) {
      s.execute("SHUTDOWN");
    } finally {
      keepAlive.close();
    }
  }

  /** A missing dataset or table: 404 on the REST surface. */
  static final class NotFound extends RuntimeException {
    NotFound(String message) {
      super(message);
    }
  }
}
