package io.bqharpersync.source;

import com.google.cloud.bigquery.QueryParameterValue;
import java.util.Map;

/** The SQL text of one query and its typed named parameters. */
public final class QueryStatement {
  public final String sql;
  public final Map<String, QueryParameterValue> parameters;

  QueryStatement(String sql, Map<String, QueryParameterValue> parameters) {
    this.sql = sql;
    this.parameters = parameters;
  }

  @Override
  public String toString() {
    return sql + "\n" + parameters;
  }
}
