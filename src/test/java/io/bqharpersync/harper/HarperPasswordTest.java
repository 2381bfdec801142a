package io.bqharpersync.harper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bqharpersync.options.HarperTargetOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.SerializableUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HarperPasswordTest {
  private static final String VERSION = "projects/my-project/secrets/harper-password/versions/3";
  private static final String PASSWORD = "s3cret-from-the-manager";

  @AfterEach
  void forget() {
    HarperPassword.forgetReadSecrets();
  }

  private static HarperTarget target(String... args) {
    return HarperTarget.from(PipelineOptionsFactory.fromArgs(args).as(HarperTargetOptions.class),
        Duration.ofSeconds(10));
  }

  @Test
  void theSecretIsReadWhereItIsFirstUsedAndOnlyItsNameTravelsWithTheJob() throws Exception {
    try (SecretManagerFake secrets = new SecretManagerFake().withSecret(VERSION, PASSWORD + "\n")) {
      HarperTarget target = target("--harperNodes=http://127.0.0.1:9925",
          "--harperPasswordSecret=" + VERSION, "--secretManagerEndpoint=" + secrets.endpoint());
      assertEquals(0, secrets.reads(), "checking the options reads nothing");

      // What a runner ships to its workers: the serialized connection.
      byte[] shipped = SerializableUtils.serializeToByteArray(target.connection());
      assertFalse(new String(shipped, StandardCharsets.ISO_8859_1).contains(PASSWORD));
      HarperConnection onWorker = (HarperConnection) SerializableUtils.deserializeFromByteArray(
          shipped, "connection");
      assertEquals(PASSWORD, onWorker.password(), "the payload's first line");
      assertEquals(PASSWORD, ((HarperConnection) SerializableUtils.deserializeFromByteArray(
          shipped, "connection")).password());
      assertEquals(1, secrets.reads(), "read once per JVM, not once per step");
      assertFalse(onWorker.toString().contains(PASSWORD));
      assertEquals(target.connection(), onWorker);
    }
  }

  @Test
  void aSecretThatCannotBeReadIsNamedWithTheReasonAndNoValue() throws Exception {
    String denied = "projects/my-project/secrets/other/versions/1";
    try (SecretManagerFake secrets = new SecretManagerFake().denying(denied)) {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
          () -> target("--harperNodes=http://127.0.0.1:9925", "--harperPasswordSecret=" + denied,
              "--secretManagerEndpoint=" + secrets.endpoint()).connection().password());
      assertTrue(refused.getMessage().startsWith("--harperPasswordSecret: Secret Manager refused "
          + "to read " + denied + ": PERMISSION_DENIED (the job's service account needs "
          + "roles/secretmanager.secretAccessor"), refused.getMessage());
      IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
          () -> target("--harperNodes=http://127.0.0.1:9925", "--harperPasswordSecret=" + VERSION,
              "--secretManagerEndpoint=" + secrets.endpoint()).connection().password());
      assertTrue(missing.getMessage().contains(VERSION + ": NOT_FOUND"), missing.getMessage());
    }
  }

  @Test
  void theSecretsNameIsCheckedWithTheOtherOptions() {
    for (String wrong : List.of("harper-password", "projects/p/secrets/s",
        "projects/p/secrets/s/versions/")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> target("--harperNodes=http://127.0.0.1:9925", "--harperPasswordSecret=" + wrong));
      assertTrue(e.getMessage().startsWith("--harperPasswordSecret: expected projects/"),
          e.getMessage());
    }
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
        () -> target("--harperNodes=http://127.0.0.1:9925", "--harperPasswordSecret=" + VERSION,
            "--harperPasswordFile=/etc/harper-password"));
    assertTrue(both.getMessage().startsWith("--harperPasswordSecret / --harperPasswordFile"),
        both.getMessage());
  }
}
