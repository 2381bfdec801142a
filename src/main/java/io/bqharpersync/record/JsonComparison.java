package io.bqharpersync.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Equality of JSON values as a database round trip preserves them: numbers compare by value (a
 * stored 2.0 may come back as 2), objects by their fields regardless of order.
 */
public final class JsonComparison {
  private JsonComparison() {}

  public static boolean same(JsonNode expected, JsonNode actual) {
    if (expected == null || actual == null) {
      return expected == actual;
    }
    if (expected.isNumber() && actual.isNumber()) {
      return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
    }
    if (expected.isObject() && actual.isObject()) {
      if (expected.size() != actual.size()) {
        return false;
      }
      Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!same(field.getValue(), actual.get(field.getKey()))) {
          return false;
        }
      }
      return true;
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
}
