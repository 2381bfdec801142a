package io.bqharpersync.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FieldList;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.LegacySQLTypeName;
import com.google.cloud.bigquery.StandardSQLTypeName;
import io.bqharpersync.record.Micros;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Converts BigQuery result rows to the JSON objects Harper stores.
 *
 * <table>
 *   <caption>Type mapping</caption>
 *   <tr><th>BigQuery</th><th>JSON</th><th>why</th></tr>
 *   <tr><td>STRING</td><td>string</td><td></td></tr>
 *   <tr><td>INT64</td><td>number if |v| &le; 2^53, else string</td><td>Harper's numbers are
 *       doubles; a larger integer as a number would silently change</td></tr>
 *   <tr><td>FLOAT64</td><td>number; NaN and ±Infinity as strings</td><td>JSON has no NaN</td></tr>
 *   <tr><td>BOOL</td><td>boolean</td><td></td></tr>
 *   <tr><td>TIMESTAMP</td><td>ISO-8601 string with 6 fractional digits, UTC</td><td>keeps the
 *       microseconds a double of epoch millis would lose, and sorts as text</td></tr>
 *   <tr><td>DATE</td><td>string YYYY-MM-DD</td><td></td></tr>
 *   <tr><td>NUMERIC, BIGNUMERIC</td><td>string</td><td>exact decimals</td></tr>
 *   <tr><td>JSON</td><td>the parsed JSON value</td><td>stored as structure, queryable</td></tr>
 *   <tr><td>RECORD</td><td>object, recursively</td><td></td></tr>
 *   <tr><td>REPEATED</td><td>array, recursively</td><td></td></tr>
 * </table>
 */
public final class BigQueryRows {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final long MAX_SAFE_INTEGER = (1L << 53);

  private BigQueryRows() {}

  public static SourceRow toSourceRow(FieldList fields, FieldValueList row, String idColumn,
      String cursorColumn) {
    ObjectNode json = toJson(fields, row);
    FieldValue id = row.get(idColumn);
    FieldValue ts = row.get(cursorColumn);
    return new SourceRow(
        id.isNull() ? null : id.getStringValue(),
        ts.isNull() ? null : ts.getTimestampValue(),
        json,
        isInteger(fields.get(idColumn)));
  }

  private static boolean isInteger(Field field) {
    return field.getType().getStandardType() == StandardSQLTypeName.INT64;
  }

  public static ObjectNode toJson(FieldList fields, FieldValueList row) {
    ObjectNode object = NODES.objectNode();
    for (int i = 0; i < fields.size(); i++) {
      Field field = fields.get(i);
      object.set(field.getName(), value(field, row.get(i)));
    }
    return object;
  }

  private static JsonNode value(Field field, FieldValue value) {
    if (value == null || value.isNull()) {
      return NODES.nullNode();
    }
    if (field.getMode() == Field.Mode.REPEATED) {
      ArrayNode array = NODES.arrayNode();
      Field element = field.toBuilder().setMode(Field.Mode.NULLABLE).build();
      for (FieldValue item : value.getRepeatedValue()) {
        array.add(value(element, item));
      }
      return array;
    }
    LegacySQLTypeName type = field.getType();
    if (type == LegacySQLTypeName.RECORD) {
      return toJson(field.getSubFields(), value.getRecordValue());
    }
    if (type == LegacySQLTypeName.INTEGER) {
      long number = value.getLongValue();
      return Math.abs(number) <= MAX_SAFE_INTEGER ? NODES.numberNode(number)
          : NODES.textNode(Long.toString(number));
    }
    if (type == LegacySQLTypeName.FLOAT) {
      double number = value.getDoubleValue();
      return Double.isFinite(number) ? NODES.numberNode(number) : NODES.textNode(Double.toString(number));
    }
    if (type == LegacySQLTypeName.BOOLEAN) {
      return NODES.booleanNode(value.getBooleanValue());
    }
    if (type == LegacySQLTypeName.TIMESTAMP) {
      return NODES.textNode(timestampText(value.getTimestampValue()));
    }
    if (type == LegacySQLTypeName.NUMERIC || type == LegacySQLTypeName.BIGNUMERIC) {
      return NODES.textNode(new BigDecimal(value.getStringValue()).toPlainString());
    }
    if (type == LegacySQLTypeName.JSON) {
      try {
        return MAPPER.readTree(value.getStringValue());
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "column " + field.getName() + ": JSON value does not parse: " + e.getMessage(), e);
      }
    }
    return NODES.textNode(value.getStringValue());
  }

  /** {@code 2024-01-01T00:00:00.123456Z}: always six fractional digits. */
  public static String timestampText(long micros) {
    Instant instant = Micros.toInstant(micros);
    String seconds = instant.toString().substring(0, 19);
    // 10^6 + the fraction, without its leading 1: six digits, zero-padded (String.format's
    // parsing of its pattern cost more than the rest of a row's conversion).
    String fraction = Long.toString(1_000_000L + Math.floorMod(micros, 1_000_000L)).substring(1);
    return seconds + "." + fraction + "Z";
  }
}
