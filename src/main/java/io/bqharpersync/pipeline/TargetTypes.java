package io.bqharpersync.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.LegacySQLTypeName;
import io.bqharpersync.harper.HarperTarget;
import io.bqharpersync.harper.TableCreation;
import io.bqharpersync.record.SyncVersion;
import io.bqharpersync.source.SourceTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Harper types of the source's columns. An existing table is checked: its primary key is the id
 * column, and each attribute it declares has a type that accepts the JSON the reader makes of the
 * column's BigQuery type (see {@code BigQueryRows}); a mismatch would refuse every row, so it is
 * refused here, before the first write, with both types named. A missing table is created with
 * the types of {@link #declaredType}, the README's mapping table.
 */
public final class TargetTypes {
  /** Harper's scalar types; any other declared type (Any, an object type) takes any JSON. */
  private static final Set<String> SCALARS =
      Set.of("ID", "String", "Int", "Long", "BigInt", "Float", "Boolean", "Date", "Bytes");
  private static final Set<String> TEXT = Set.of("ID", "String");
  /** Stamped by {@code SyncUpsert} when the table declares them (ms since epoch). */
  static final String WRITE_CREATED = "harperCreatedAt";
  static final String WRITE_UPDATED = "harperUpdatedAt";

  private TargetTypes() {}

  /**
   * The attributes of a table created for the source: the id column as primary key, each selected
   * column, the row's {@code syncVersion}, and the write times {@code SyncUpsert} stamps.
   */
  public static List<TableCreation.Attribute> attributes(String idColumn, List<Field> columns) {
    List<TableCreation.Attribute> attributes = new ArrayList<>();
    Field id = columns.stream().filter(column -> column.getName().equalsIgnoreCase(idColumn))
        .findFirst().orElseThrow(() -> new IllegalArgumentException(
            "--idColumn: column '" + idColumn + "' is not among the columns read"));
    attributes.add(new TableCreation.Attribute(id.getName(), declaredType(id)));
    for (Field column : columns) {
      if (column != id) {
        attributes.add(new TableCreation.Attribute(column.getName(), declaredType(column)));
      }
    }
    attributes.add(new TableCreation.Attribute(SyncVersion.FIELD, "String"));
    attributes.add(new TableCreation.Attribute(WRITE_CREATED, "Float"));
    attributes.add(new TableCreation.Attribute(WRITE_UPDATED, "Float"));
    return attributes;
  }

  /**
   * The Harper type a created table declares for a column. Numbers are {@code Any}: the reader
   * writes an INT64 beyond ±2^53 and a FLOAT64 NaN or ±Infinity as strings, to stay exact, and
   * Harper's Long and Float would refuse those rows.
   */
  static String declaredType(Field column) {
    if (column.getMode() == Field.Mode.REPEATED) {
      return "Any";
    }
    LegacySQLTypeName type = column.getType();
    if (type == LegacySQLTypeName.BOOLEAN) {
      return "Boolean";
    }
    if (type == LegacySQLTypeName.INTEGER || type == LegacySQLTypeName.FLOAT
        || type == LegacySQLTypeName.RECORD || type == LegacySQLTypeName.JSON) {
      return "Any";
    }
    // STRING; TIMESTAMP, DATE, DATETIME and TIME as text; NUMERIC and BIGNUMERIC as exact decimal
    // text; BYTES as base64; GEOGRAPHY as WKT; INTERVAL and RANGE as BigQuery writes them.
    return "String";
  }

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
      // Not ID: Harper's ID takes only strings, and the reader writes INT64 values as numbers.
      return Set.of("Int", "Long", "BigInt", "Float").contains(harperType);
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
