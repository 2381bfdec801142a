package io.bqharpersync.harper;

import com.google.cloud.secretmanager.v1.AccessSecretVersionRequest;
import com.google.cloud.secretmanager.v1.AccessSecretVersionResponse;
import com.google.cloud.secretmanager.v1.SecretPayload;
import com.google.protobuf.ByteString;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process stand-in of the Secret Manager API: the real gRPC service and method
 * ({@code google.cloud.secretmanager.v1.SecretManagerService/AccessSecretVersion}, protobuf on the
 * wire) on 127.0.0.1, answering from a map of secret versions; unknown names get NOT_FOUND, names
 * marked denied get PERMISSION_DENIED, as Google's service answers.
 */
public final class SecretManagerFake implements AutoCloseable {
  private static final MethodDescriptor<AccessSecretVersionRequest, AccessSecretVersionResponse>
      ACCESS = MethodDescriptor.<AccessSecretVersionRequest, AccessSecretVersionResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(
              "google.cloud.secretmanager.v1.SecretManagerService", "AccessSecretVersion"))
          .setRequestMarshaller(ProtoUtils.marshaller(AccessSecretVersionRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(AccessSecretVersionResponse.getDefaultInstance()))
          .build();

  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private final Map<String, Boolean> denied = new ConcurrentHashMap<>();
  private final AtomicInteger reads = new AtomicInteger();
  private final Server server;

  public SecretManagerFake() throws IOException {
    ServerServiceDefinition service = ServerServiceDefinition
        .builder("google.cloud.secretmanager.v1.SecretManagerService")
        .addMethod(ACCESS, ServerCalls.asyncUnaryCall((request, response) -> {
          reads.incrementAndGet();
          String name = request.getName();
          if (denied.containsKey(name)) {
            response.onError(Status.PERMISSION_DENIED.withDescription("Permission "
                + "'secretmanager.versions.access' denied for resource '" + name + "'").asException());
          } else if (!secrets.containsKey(name)) {
            response.onError(Status.NOT_FOUND.withDescription("Secret [" + name + "] not found")
                .asException());
          } else {
            response.onNext(AccessSecretVersionResponse.newBuilder().setName(name)
                .setPayload(SecretPayload.newBuilder()
                    .setData(ByteString.copyFrom(secrets.get(name), StandardCharsets.UTF_8)))
                .build());
            response.onCompleted();
          }
        }))
        .build();
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(service).build().start();
  }

  public SecretManagerFake withSecret(String name, String payload) {
    secrets.put(name, payload);
    return this;
  }

  public SecretManagerFake denying(String name) {
    denied.put(name, true);
    return this;
  }

  /** host:port, as {@code --secretManagerEndpoint} takes it. */
  public String endpoint() {
    return "127.0.0.1:" + server.getPort();
  }

  /** How many AccessSecretVersion calls it answered. */
  public int reads() {
    return reads.get();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }
}
