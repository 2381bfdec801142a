package io.bqharpersync.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Which Harper cluster and table the rows go to, and how to log in. */
public interface HarperTargetOptions extends PipelineOptions {
  @Description("Harper operations API URLs, comma-separated, e.g. http://10.0.0.1:9925,... "
      + "Each record goes to the node that owns its key; give this or --harperSeedNode.")
  @TemplateParameter(shape = ParameterShape.URL_LIST,
      examples = {"http://10.0.0.1:9925,http://10.0.0.2:9925"})
  String getHarperNodes();

  void setHarperNodes(String value);

  @Description("One Harper node's operations API URL; the others are discovered with "
      + "cluster_status and ordered by address, so every worker derives the same node slots.")
  @TemplateParameter(shape = ParameterShape.URL, examples = {"https://harper-0.internal:9925"})
  String getHarperSeedNode();

  void setHarperSeedNode(String value);

  @Description("Port of the nodes' HTTP (REST) server, where the component's SyncUpsert resource "
      + "takes the writes; 0 when the nodes serve it on their operations API port.")
  @Default.Integer(9926)
  @TemplateParameter(shape = ParameterShape.PORT, examples = {"0"})
  int getHarperRestPort();

  void setHarperRestPort(int value);

  @Description("Harper user.")
  @Default.String("admin")
  String getHarperUser();

  void setHarperUser(String value);

  @Description("Name of the environment variable holding the Harper password.")
  @Default.String("HARPER_PASSWORD")
  @TemplateParameter(shape = ParameterShape.IDENTIFIER, examples = {"HARPER_PASSWORD"})
  String getHarperPasswordEnv();

  void setHarperPasswordEnv(String value);

  @Description("File holding the Harper password (first line); used instead of --harperPasswordEnv.")
  String getHarperPasswordFile();

  void setHarperPasswordFile(String value);

  @Description("Secret Manager secret version holding the Harper password (first line), as "
      + "projects/PROJECT/secrets/SECRET/versions/VERSION; used instead of --harperPasswordEnv "
      + "and --harperPasswordFile. Only this name travels with the job: each worker reads the "
      + "secret when it first writes, with its service account (secretmanager.secretAccessor).")
  @TemplateParameter(shape = ParameterShape.SECRET_VERSION,
      examples = {"projects/my-project/secrets/harper-password/versions/latest"})
  String getHarperPasswordSecret();

  void setHarperPasswordSecret(String value);

  @Description("Secret Manager API host:port to use instead of Google's, over plaintext gRPC "
      + "and without credentials: for a local stand-in of the API.")
  String getSecretManagerEndpoint();

  void setSecretManagerEndpoint(String value);

  @Description("Harper database of the target table.")
  @Default.String("data")
  @TemplateParameter(shape = ParameterShape.IDENTIFIER, examples = {"data"})
  String getHarperDatabase();

  void setHarperDatabase(String value);

  @Description("Harper table the rows are upserted into; it must exist on every node.")
  @Default.String("BigQueryData")
  @TemplateParameter(shape = ParameterShape.IDENTIFIER, examples = {"BigQueryData"})
  String getHarperTable();

  void setHarperTable(String value);
}
