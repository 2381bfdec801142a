package io.bqharpersync.harper;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Harper password, or where to read it. Given (read from an environment variable or a file
 * where the job is launched), it travels with the job. From Secret Manager, only the secret
 * version's name travels: each JVM reads the secret when it first needs it (a worker when its
 * first request is made) and keeps it in memory. Never printed.
 */
public final class HarperPassword implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Secrets read in this JVM, by version name and endpoint: one read per worker, not per step. */
  private static final Map<String, String> READ = new ConcurrentHashMap<>();

  private final String given;
  private final String secretVersion;
  private final String secretManagerEndpoint;

  private HarperPassword(String given, String secretVersion, String secretManagerEndpoint) {
    this.given = given;
    this.secretVersion = secretVersion;
    this.secretManagerEndpoint = secretManagerEndpoint;
  }

  public static HarperPassword of(String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("password: a Harper password is required");
    }
    return new HarperPassword(value, null, null);
  }

  /**
   * The payload of a Secret Manager secret version, {@code projects/P/secrets/S/versions/V}, read
   * from Google's service, or from {@code endpoint} (host:port, plaintext) when it is not null.
   */
  public static HarperPassword fromSecret(String secretVersion, String endpoint) {
    return new HarperPassword(null, SecretVersions.checkName(secretVersion), endpoint);
  }

  /** The password; for a secret, read on first use in this JVM. */
  String value() {
    if (given != null) {
      return given;
    }
    return READ.computeIfAbsent(secretManagerEndpoint + "|" + secretVersion,
        key -> SecretVersions.readFirstLine(secretVersion, secretManagerEndpoint));
  }

  /** Forgets the secrets read in this JVM, so the next use reads again (tests). */
  static void forgetReadSecrets() {
    READ.clear();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HarperPassword that && Objects.equals(given, that.given)
        && Objects.equals(secretVersion, that.secretVersion)
        && Objects.equals(secretManagerEndpoint, that.secretManagerEndpoint);
  }

  @Override
  public int hashCode() {
    return Objects.hash(secretVersion, secretManagerEndpoint);
  }

  @Override
  public String toString() {
    return given != null ? "****" : "secret " + secretVersion;
  }
}
