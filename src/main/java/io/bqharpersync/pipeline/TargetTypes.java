package io.bqharpersync.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.LegacySQLTypeName;
import io.bqharpersync.harper.HarperTarget;
import io.bqharpersync.source.SourceTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether the Harper table can take the source's rows: its primary key is the id column, and each
 * attribute it declares has a type that accepts the JSON the reader makes of the column's BigQuery
 * type (see {@code BigQueryRows}). A mismatch would refuse every row; it is refused here, before
 * the first write, with both types named.
 */
final class TargetTypes {
  /** Harper's scalar types; any other declared type (Any, an object type) takes any JSON. */
  private static final Set<String> SCALARS =
      Set.of("ID", "String", "Int", "Long", "BigInt", "Float", "Boolean", "Date", "Bytes");
  private static final Set<String> TEXT = Set.of("ID", "String");

  private TargetTypes() {}

  /** @param described Harper's describe_table reply for the target table */
  static void check(JsonNode described, HarperTarget target, SourceTable source, List<Field> columns) {
    String primaryKey = described.path("hash_attribute").asText();
    if (!primaryKey.equals(source.idColumn())) {
      throw new IllegalArgumentException("--idColumn: the primary key of " + target.database() + "."
          + target.table() + " is '" + primaryKey + "', but --idColumn is '" + source.idColumn()
          + "'; rows would be keyed by a different column than the sync compares them by");
    }
    Map<String, String> declared = new HashMap<>();
    described.path("attributes").forEach(attribute ->
        declared.put(attribute.path("attribute").asText(), attribute.path("type").asText("")));
    for (Field column : columns) {
      String harperType = declared.get(column.getName());
      if (harperType != null && !accepts(column, harperType)) {
        throw new IllegalArgumentException("--harperTable: attribute '" + column.getName() + "' of "
            + target.database() + "." + target.table() + " is " + harperType + ", but column '"
            + column.getName() + "' of " + source.table() + " is " + describe(column)
            + "; Harper would refuse every row. Change the attribute's type, or leave the column"
            + " out with --columns");
      }
    }
  }

  static boolean accepts(Field column, String harperType) {
    if (harperType.isEmpty() || !SCALARS.contains(harperType)) {
      return true;
    }
    if (column.getMode() == Field.Mode.REPEATED) {
      return false;
    }
    LegacySQLTypeName type = column.getType();
    if (type == LegacySQLTypeName.INTEGER) {
      return Set.of("ID", "Int", "Long", "BigInt", "Float").contains(harperType);
    }
    if (type == LegacySQLTypeName.FLOAT) {
      return harperType.equals("Float");
    }
    if (type == LegacySQLTypeName.BOOLEAN) {
      return harperType.equals("Boolean");
    }
    if (type == LegacySQLTypeName.TIMESTAMP || type == LegacySQLTypeName.DATE
        || type == LegacySQLTypeName.DATETIME) {
      return TEXT.contains(harperType) || harperType.equals("Date");
    }
    if (type == LegacySQLTypeName.RECORD || type == LegacySQLTypeName.JSON) {
      return false;
    }
    // STRING, NUMERIC and BIGNUMERIC (exact decimal strings), TIME, BYTES, GEOGRAPHY, ...: text.
    return TEXT.contains(harperType);
  }

  private static String describe(Field column) {
    return (column.getMode() == Field.Mode.REPEATED ? "REPEATED " : "") + column.getType();
  }
}
