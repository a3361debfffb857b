package com.proxylity.packetsource.local.sts;

import com.proxylity.packetsource.local.iam.LocalIam;
import com.proxylity.packetsource.local.sns.QueryRequest;
import com.proxylity.packetsource.local.http.LoopbackHttpServer;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import com.proxylity.packetsource.local.sns.SnsException;

/**
 * A local STS endpoint on 127.0.0.1 answering {@code AssumeRole} in the AWS Query protocol, as
 * the SDK v2 StsClient sends it: the role must be in the local config and the request's
 * ExternalId must equal the role's trust condition, else AccessDenied (403, the message AWS
 * gives, which does not say which condition failed). The credentials it returns identify that
 * role to the local SNS endpoint.
 */
public final class LocalStsServer implements AutoCloseable {
    static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final LocalIam iam;
    private LoopbackHttpServer http;

    private LocalStsServer(LocalIam iam) {
        this.iam = iam;
    }

    public static LocalStsServer start(int port, LocalIam iam) throws IOException {
        LocalStsServer server = new LocalStsServer(iam);
        server.http = LoopbackHttpServer.start(port, "local-sts", 2, server::handle);
        return server;
    }

    public URI endpoint() {
        return http.endpoint();
    }

    private void handle(HttpExchange ex) throws IOException {
        String requestId = UUID.randomUUID().toString();
        try (ex) {
            byte[] body = ex.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
            if (!"POST".equals(ex.getRequestMethod()) || body.length > MAX_BODY_BYTES) {
                respond(ex, 400, error("Sender", "InvalidRequest", "POST a form of at most 64 KiB", requestId));
                return;
            }
            QueryRequest q;
            try {
                q = QueryRequest.parse(new String(body, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException | SnsException e) {
                respond(ex, 400, error("Sender", "MalformedInput", "request body is not a form", requestId));
                return;
            }
            if (!"AssumeRole".equals(q.action())) {
                respond(ex, 400, error("Sender", "InvalidAction", "local STS serves AssumeRole only", requestId));
                return;
            }
            try {
                respond(ex, 200, assumeRole(q, requestId));
            } catch (LocalIam.AccessDenied e) {
                respond(ex, 403, error("Sender", "AccessDenied", e.getMessage(), requestId));
            } catch (IllegalArgumentException e) {
                respond(ex, 400, error("Sender", "ValidationError", e.getMessage(), requestId));
            }
        }
    }

    private String assumeRole(QueryRequest q, String requestId) throws LocalIam.AccessDenied {
        String roleArn = q.get("RoleArn");
        String sessionName = q.get("RoleSessionName");
        if (roleArn == null || sessionName == null || !sessionName.matches("[\\w+=,.@-]{2,64}")) {
            throw new IllegalArgumentException("RoleArn and RoleSessionName (2-64 of \\w+=,.@-) are required");
        }
        int seconds = q.get("DurationSeconds") == null ? 3600 : Integer.parseInt(q.get("DurationSeconds"));
        if (seconds < 900 || seconds > 43_200) throw new IllegalArgumentException("DurationSeconds must be 900-43200");
        LocalIam.Session s = iam.assumeRole(roleArn, q.get("ExternalId"), Duration.ofSeconds(seconds));
        String roleName = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        String account = roleArn.split(":")[4];
        return "<AssumeRoleResponse xmlns=\"" + NS + "\"><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::" + esc(account)
                + ":assumed-role/" + esc(roleName) + "/" + esc(sessionName) + "</Arn><AssumedRoleId>AROALOCAL:" + esc(sessionName)
                + "</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>" + s.accessKeyId()
                + "</AccessKeyId><SecretAccessKey>" + s.secretAccessKey() + "</SecretAccessKey><SessionToken>" + s.sessionToken()
                + "</SessionToken><Expiration>" + DateTimeFormatter.ISO_INSTANT.format(s.expiration().truncatedTo(ChronoUnit.SECONDS))
                + "</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>" + requestId
                + "</RequestId></ResponseMetadata></AssumeRoleResponse>";
    }

    static String error(String type, String code, String message, String requestId) {
        return "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>" + type + "</Type><Code>" + esc(code) + "</Code><Message>"
                + esc(message) + "</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>";
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void respond(HttpExchange ex, int status, String xml) throws IOException {
        LoopbackHttpServer.respond(ex, status, "text/xml", xml);
    }

    @Override
    public void close() {
        http.close();
    }
}
