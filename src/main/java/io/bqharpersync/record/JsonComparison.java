package io.bqharpersync.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Equality of JSON values as a database round trip preserves them: numbers compare by value (a
 * stored 2.0 may come back as 2), objects by their fields regardless of order, and a field that is
 * null equals a field that is absent (a row written before its table gained a column has no such
 * attribute, where BigQuery reads the column as NULL).
 */
public final class JsonComparison {
  private JsonComparison() {}

  public static boolean same(JsonNode expected, JsonNode actual) {
    if (absent(expected) || absent(actual)) {
      return absent(expected) && absent(actual);
    }
    if (expected.isNumber() && actual.isNumber()) {
      return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
    }
    if (expected.isObject() && actual.isObject()) {
      return sameFields(expected, actual) && sameFields(actual, expected);
    }
    if (expected.isArray() && actual.isArray()) {
      if (expected.size() != actual.size()) {
        return false;
      }
      for (int i = 0; i < expected.size(); i++) {
        if (!same(expected.get(i), actual.get(i))) {
          return false;
        }
      }
      return true;
    }
    return expected.equals(actual);
  }

  private static boolean absent(JsonNode value) {
    return value == null || value.isNull() || value.isMissingNode();
  }

  /** Whether each field of {@code from} has its equal in {@code in}. */
  private static boolean sameFields(JsonNode from, JsonNode in) {
    Iterator<Map.Entry<String, JsonNode>> fields = from.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!same(field.getValue(), in.get(field.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
