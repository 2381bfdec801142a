package io.bqharpersync.harper;

import static io.bqharpersync.options.OptionChecks.blank;
import static io.bqharpersync.options.OptionChecks.commaSeparated;
import static io.bqharpersync.options.OptionChecks.inRange;
import static io.bqharpersync.options.OptionChecks.invalid;
import static io.bqharpersync.options.OptionChecks.matching;
import static io.bqharpersync.options.OptionChecks.required;
import static io.bqharpersync.options.OptionChecks.secret;

import io.bqharpersync.options.HarperTargetOptions;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The Harper cluster and table a sync writes to. The password is read here, from the environment
 * or a file, or named here as a Secret Manager secret that each JVM reads when it first needs it;
 * it lives only inside {@link HarperConnection}, which never prints it.
 *
 * @param seedNode set when the nodes are to be discovered from this one; {@code Preflight}
 *     resolves them, and null afterwards or when the nodes were listed
 */
public record HarperTarget(HarperConnection connection, String seedNode, String database,
    String table) implements Serializable {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  /** Checks each Harper option on its own; nothing is contacted. */
  public static HarperTarget from(HarperTargetOptions options, Duration requestTimeout) {
    String database = matching("harperDatabase", options.getHarperDatabase(),
        HarperTarget::isIdentifier, "a Harper identifier ([A-Za-z_][A-Za-z0-9_]*)");
    String table = matching("harperTable", options.getHarperTable(), HarperTarget::isIdentifier,
        "a Harper identifier ([A-Za-z_][A-Za-z0-9_]*)");
    String user = required("harperUser", options.getHarperUser());
    if (!blank(options.getHarperPasswordSecret()) && !blank(options.getHarperPasswordFile())) {
      throw invalid("harperPasswordSecret / --harperPasswordFile", "give at most one of them");
    }
    HarperPassword password = blank(options.getHarperPasswordSecret())
        ? HarperPassword.of(secret("harperPasswordFile", options.getHarperPasswordFile(),
            "harperPasswordEnv", options.getHarperPasswordEnv()))
        : HarperPassword.fromSecret(options.getHarperPasswordSecret().trim(),
            blank(options.getSecretManagerEndpoint()) ? null
                : options.getSecretManagerEndpoint().trim());
    boolean listed = !blank(options.getHarperNodes());
    if (listed == !blank(options.getHarperSeedNode())) {
      throw invalid("harperNodes / --harperSeedNode", "give exactly one of them");
    }
    String nodeOption = listed ? "harperNodes" : "harperSeedNode";
    List<String> nodes = commaSeparated(listed ? options.getHarperNodes() : options.getHarperSeedNode());
    for (String node : nodes) {
      matching(nodeOption, node, HarperConnection::isNodeUrl,
          "http(s)://host:port of a Harper operations API");
    }
    HarperConnection connection = HarperConnection.of(nodes, user, password)
        .withRequestTimeout(requestTimeout)
        .withRestPort(inRange("harperRestPort", options.getHarperRestPort(), 0, 65_535));
    return new HarperTarget(connection, listed ? null : nodes.get(0), database, table);
  }

  public static boolean isIdentifier(String name) {
    return name != null && IDENTIFIER.matcher(name).matches();
  }

  /** The same target on a discovered node list. */
  public HarperTarget withNodes(List<String> nodes) {
    return new HarperTarget(connection.withNodes(nodes), null, database, table);
  }
}
