package io.bqharpersync.bqlocal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * Values between BigQuery's REST forms and the embedded engine: row values of insertAll, typed
 * query parameters, and the {@code {"f":[{"v":..}]}} cells of query results.
 *
 * <p>RECORD columns and REPEATED columns are stored as JSON text and expanded into cells using
 * the column's schema; JSON columns are stored and returned as JSON text.
 */
final class BigQueryValues {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private BigQueryValues() {}

  static String type(JsonNode field) {
    String type = field.path("type").asText("STRING").toUpperCase(Locale.ROOT);
    switch (type) {
      case "INTEGER":
        return "INT64";
      case "FLOAT":
        return "FLOAT64";
      case "BOOLEAN":
        return "BOOL";
      case "STRUCT":
        return "RECORD";
      default:
        return type;
    }
  }

  /** Schemas as BigQuery's REST API returns them: legacy type names, recursively. */
  static ArrayNode withLegacyTypeNames(ArrayNode fields) {
    ArrayNode copy = fields.deepCopy();
    for (JsonNode field : copy) {
      ObjectNode f = (ObjectNode) field;
      String legacy;
      switch (type(f)) {
        case "INT64":
          legacy = "INTEGER";
          break;
        case "FLOAT64":
          legacy = "FLOAT";
          break;
        case "BOOL":
          legacy = "BOOLEAN";
          break;
        default:
          legacy = type(f);
      }
      f.put("type", legacy);
      if (f.has("fields")) {
        f.set("fields", withLegacyTypeNames((ArrayNode) f.get("fields")));
      }
    }
    return copy;
  }

  static boolean repeated(JsonNode field) {
    return "REPEATED".equalsIgnoreCase(field.path("mode").asText());
  }

  /** The engine's column type for a BigQuery field. */
  static String columnType(JsonNode field) {
    if (repeated(field)) {
      return "VARCHAR";
    }
    switch (type(field)) {
      case "INT64":
        return "BIGINT";
      case "FLOAT64":
        return "DOUBLE PRECISION";
      case "BOOL":
        return "BOOLEAN";
      case "TIMESTAMP":
        return "TIMESTAMP(6) WITH TIME ZONE";
      case "DATE":
        return "DATE";
      case "NUMERIC":
        return "NUMERIC(38, 9)";
      case "BIGNUMERIC":
        return "NUMERIC(76, 38)";
      case "STRING":
      case "JSON":
      case "RECORD":
        return "VARCHAR";
      // Kept as the text inserted, which must be BigQuery's REST form; not checked or normalised.
      case "DATETIME":
      case "TIME":
      case "BYTES":
      case "GEOGRAPHY":
        return "VARCHAR";
      default:
        throw new IllegalArgumentException(
            "field " + field.path("name").asText() + ": type " + type(field) + " is not supported");
    }
  }

  /** A value of an insertAll row, for the engine. */
  static Object toEngine(JsonNode field, JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return null;
    }
    String name = field.path("name").asText();
    if (repeated(field) || type(field).equals("RECORD")) {
      return value.toString();
    }
    try {
      switch (type(field)) {
        case "INT64":
          return value.isNumber() ? value.longValue() : Long.parseLong(value.asText());
        case "FLOAT64":
          return value.isNumber() ? value.doubleValue() : Double.parseDouble(value.asText());
        case "BOOL":
          return value.isBoolean() ? value.booleanValue() : Boolean.parseBoolean(value.asText());
        case "TIMESTAMP":
          return value.isNumber() ? fromEpochSeconds(value.decimalValue()) : parseTimestamp(value.asText());
        case "DATE":
          return LocalDate.parse(value.asText());
        case "NUMERIC":
        case "BIGNUMERIC":
          return new BigDecimal(value.asText());
        case "JSON":
          return value.isTextual() ? value.asText() : value.toString();
        default:
          return value.isTextual() ? value.asText() : value.toString();
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "field " + name + ": cannot read " + value + " as " + type(field), e);
    }
  }

  /** A typed query parameter ({@code parameterType}, {@code parameterValue}) for the engine. */
  static Object parameter(JsonNode parameter) {
    String type = parameter.path("parameterType").path("type").asText().toUpperCase(Locale.ROOT);
    JsonNode value = parameter.path("parameterValue").path("value");
    if (value.isMissingNode() || value.isNull()) {
      return null;
    }
    String text = value.asText();
    switch (type) {
      case "INT64":
        return Long.parseLong(text);
      case "FLOAT64":
        return Double.parseDouble(text);
      case "BOOL":
        return Boolean.parseBoolean(text);
      case "TIMESTAMP":
        return parseTimestamp(text);
      case "DATE":
        return LocalDate.parse(text);
      case "NUMERIC":
      case "BIGNUMERIC":
        return new BigDecimal(text);
      case "STRING":
        return text;
      default:
        throw new IllegalArgumentException(
            "parameter " + parameter.path("name").asText() + ": type " + type + " is not supported");
    }
  }

  /**
   * Accepts the forms BigQuery accepts for TIMESTAMP text: {@code 2024-01-01 00:00:00.5+00},
   * {@code ...+00:00}, {@code ... UTC}, ISO-8601 with {@code T} and {@code Z}, and no zone (UTC).
   */
  static OffsetDateTime parseTimestamp(String text) {
    String s = text.trim().replace(' ', 'T');
    if (s.endsWith("TUTC")) {
      s = s.substring(0, s.length() - 4) + "Z";
    }
    if (s.matches(".*[+-]\\d\\d$")) {
      s = s + ":00";
    }
    if (!(s.endsWith("Z") || s.matches(".*[+-]\\d\\d:\\d\\d$"))) {
      s = s + "Z";
    }
    if (s.length() == 11 && s.endsWith("Z")) {
      s = s.substring(0, 10) + "T00:00:00Z";
    }
    return OffsetDateTime.parse(s).withOffsetSameInstant(ZoneOffset.UTC);
  }

  private static OffsetDateTime fromEpochSeconds(BigDecimal seconds) {
    long micros = seconds.movePointRight(6).longValue();
    return OffsetDateTime.ofInstant(
        Instant.EPOCH.plusSeconds(Math.floorDiv(micros, 1_000_000L))
            .plusNanos(Math.floorMod(micros, 1_000_000L) * 1000L),
        ZoneOffset.UTC);
  }

  /** One result cell, {@code {"v": ...}}, in the REST form for the field's type. */
  static ObjectNode cell(JsonNode field, Object value, boolean int64Timestamps) {
    ObjectNode cell = NODES.objectNode();
    if (value == null) {
      cell.putNull("v");
      return cell;
    }
    if (repeated(field)) {
      ArrayNode items = cell.putArray("v");
      JsonNode element = ((ObjectNode) field.deepCopy()).put("mode", "NULLABLE");
      for (JsonNode item : parse(value.toString())) {
        items.add(jsonCell(element, item, int64Timestamps));
      }
      return cell;
    }
    if (type(field).equals("RECORD")) {
      return jsonCell(field, parse(value.toString()), int64Timestamps);
    }
    cell.put("v", scalarText(field, value, int64Timestamps));
    return cell;
  }

  /** A cell of a value held as JSON (inside a RECORD or a REPEATED column). */
  private static ObjectNode jsonCell(JsonNode field, JsonNode value, boolean int64Timestamps) {
    ObjectNode cell = NODES.objectNode();
    if (value == null || value.isNull()) {
      cell.putNull("v");
    } else if (repeated(field)) {
      ArrayNode items = cell.putArray("v");
      JsonNode element = ((ObjectNode) field.deepCopy()).put("mode", "NULLABLE");
      value.forEach(item -> items.add(jsonCell(element, item, int64Timestamps)));
    } else if (type(field).equals("RECORD")) {
      ArrayNode cells = cell.putObject("v").putArray("f");
      for (JsonNode sub : field.path("fields")) {
        cells.add(jsonCell(sub, value.get(sub.path("name").asText()), int64Timestamps));
      }
    } else {
      cell.put("v", scalarText(field, toEngine(field, value), int64Timestamps));
    }
    return cell;
  }

  private static String scalarText(JsonNode field, Object value, boolean int64Timestamps) {
    switch (type(field)) {
      case "TIMESTAMP":
        long micros = BigQueryFunctions.unixMicros((OffsetDateTime) value);
        if (int64Timestamps) {
          return Long.toString(micros);
        }
        return new BigDecimal(micros).movePointLeft(6).setScale(6).toPlainString();
      case "BOOL":
        return ((Boolean) value) ? "true" : "false";
      case "NUMERIC":
      case "BIGNUMERIC":
        return ((BigDecimal) value).stripTrailingZeros().toPlainString();
      case "FLOAT64":
        return Double.toString(((Number) value).doubleValue());
      default:
        return value.toString();
    }
  }

  private static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
