package io.bqharpersync.harper;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretManagerServiceSettings;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Reads a secret version's payload with Google's Secret Manager client. */
final class SecretVersions {
  private static final Pattern NAME = Pattern.compile("projects/[^/]+/secrets/[^/]+/versions/[^/]+");
  private static final String OPTION = "--harperPasswordSecret";

  private SecretVersions() {}

  static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(OPTION + ": expected projects/PROJECT/secrets/SECRET/"
          + "versions/VERSION (a number or 'latest'), got '" + name + "'");
    }
    return name;
  }

  /** The payload's first line, as a password file's; errors name the secret, never its value. */
  static String readFirstLine(String name, String endpoint) {
    String payload;
    try (SecretManagerServiceClient client = SecretManagerServiceClient.create(settings(endpoint))) {
      payload = client.accessSecretVersion(name).getPayload().getData()
          .toString(StandardCharsets.UTF_8);
    } catch (ApiException e) {
      throw new IllegalArgumentException(OPTION + ": Secret Manager refused to read " + name + ": "
          + e.getStatusCode().getCode() + (e.getStatusCode().getCode().name().equals("PERMISSION_DENIED")
              ? " (the job's service account needs roles/secretmanager.secretAccessor on it)" : ""));
    } catch (IOException e) {
      throw new IllegalArgumentException(OPTION + ": reading " + name + " needs Google Cloud "
          + "credentials, and none were found (" + e.getMessage() + ")");
    }
    String firstLine = payload.lines().findFirst().orElse("");
    if (firstLine.isEmpty()) {
      throw new IllegalArgumentException(OPTION + ": " + name + " is empty");
    }
    return firstLine;
  }

  private static SecretManagerServiceSettings settings(String endpoint) throws IOException {
    SecretManagerServiceSettings.Builder settings = SecretManagerServiceSettings.newBuilder();
    if (endpoint != null) {
      // A stand-in of the API (tests): plaintext gRPC, no credentials.
      settings.setEndpoint(endpoint)
          .setCredentialsProvider(NoCredentialsProvider.create())
          .setTransportChannelProvider(InstantiatingGrpcChannelProvider.newBuilder()
              .setEndpoint(endpoint)
              .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
              .build());
    }
    return settings.build();
  }
}
