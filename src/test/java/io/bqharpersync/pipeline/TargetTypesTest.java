package io.bqharpersync.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.LegacySQLTypeName;
import com.google.cloud.bigquery.StandardSQLTypeName;
import io.bqharpersync.harper.TableCreation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetTypesTest {
  private static List<Field> everyType() {
    List<Field> fields = new ArrayList<>();
    for (LegacySQLTypeName type : LegacySQLTypeName.values()) {
      Field.Builder field = type == LegacySQLTypeName.RECORD
          ? Field.newBuilder("c_" + type, type, Field.of("inner", StandardSQLTypeName.STRING))
          : Field.newBuilder("c_" + type, type);
      fields.add(field.build());
      fields.add(field.setName("r_" + type).setMode(Field.Mode.REPEATED).build());
    }
    return fields;
  }

  @Test
  void aCreatedTableAcceptsEveryColumnItWasCreatedFor() {
    for (Field column : everyType()) {
      assertTrue(TargetTypes.accepts(column, TargetTypes.declaredType(column)),
          column.getName() + " declared " + TargetTypes.declaredType(column));
    }
  }

  @Test
  void harpersIdTypeDoesNotTakeTheNumbersAnInt64ColumnBecomes() {
    assertFalse(TargetTypes.accepts(Field.of("id", StandardSQLTypeName.INT64), "ID"));
    assertTrue(TargetTypes.accepts(Field.of("id", StandardSQLTypeName.STRING), "ID"));
  }

  @Test
  void theIdColumnComesFirstAsThePrimaryKeyThenTheColumnsThenWhatTheSyncAdds() {
    List<TableCreation.Attribute> attributes = TargetTypes.attributes("ID", List.of(
        Field.of("reading", StandardSQLTypeName.FLOAT64),
        Field.of("id", StandardSQLTypeName.INT64),
        Field.of("ok", StandardSQLTypeName.BOOL)));
    assertEquals(List.of(
        new TableCreation.Attribute("id", "Any"),
        new TableCreation.Attribute("reading", "Any"),
        new TableCreation.Attribute("ok", "Boolean"),
        new TableCreation.Attribute("syncVersion", "String"),
        new TableCreation.Attribute("harperCreatedAt", "Float"),
        new TableCreation.Attribute("harperUpdatedAt", "Float")), attributes);
  }
}
