package com.proxylity.packetsource.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.local.http.LoopbackHttpServer;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stops and starts one sender task of several, so a task's loss (the DLQ, replay, owner
 * routing, WireGuard recovery) can be tried without stopping the local stack
 * (docs/local-mode.md, "Several sender tasks"). Loopback only, no authentication: it is as
 * trusted as the process that runs local mode.
 *
 * <pre>
 * GET  /tasks                  [{"id":"local-sender-1","running":true,"draining":false,"egressApi":"http://127.0.0.1:…"}, …]
 * POST /tasks/{id}/drain       as a rolling deployment's stopping task: beats Draining, keeps sending for its own
 * POST /tasks/{id}/stop        the task stops as on SIGTERM: last beat "gone now", queues drained, sockets closed
 * POST /tasks/{id}/kill        as SIGKILL or a lost AZ: silent at once (no last beat, records left to lapse), sockets closed
 * POST /tasks/{id}/start       it binds the same Listener ports again and beats
 * </pre>
 */
public final class TaskControl implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, LocalSender> tasks = new LinkedHashMap<>();
    private final LoopbackHttpServer http;

    private TaskControl(int port, List<LocalSender> tasks) throws IOException {
        tasks.forEach(t -> this.tasks.put(t.taskId(), t));
        this.http = LoopbackHttpServer.start(port, "task-control", 1, this::handle);
    }

    public static TaskControl start(int port, List<LocalSender> tasks) throws IOException {
        return new TaskControl(port, tasks);
    }

    public URI endpoint() {
        return http.endpoint();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String[] parts = ex.getRequestURI().getPath().replaceAll("^/+|/+$", "").split("/");
            String method = ex.getRequestMethod();
            if (parts.length == 1 && parts[0].equals("tasks") && method.equals("GET")) {
                LoopbackHttpServer.respond(ex, 200, "application/json", list());
                return;
            }
            if (parts.length == 3 && parts[0].equals("tasks") && method.equals("POST")) {
                LocalSender t = tasks.get(parts[1]);
                if (t == null) {
                    LoopbackHttpServer.respond(ex, 404, "text/plain", "no task " + parts[1] + "\n");
                    return;
                }
                switch (parts[2]) {
                    case "drain" -> t.drain();
                    case "stop" -> t.stop();
                    case "kill" -> t.kill();
                    case "start" -> t.start();
                    default -> {
                        LoopbackHttpServer.respond(ex, 404, "text/plain", "drain, stop, kill or start\n");
                        return;
                    }
                }
                LoopbackHttpServer.respond(ex, 200, "application/json", list());
                return;
            }
            LoopbackHttpServer.respond(ex, 404, "text/plain", "GET /tasks, POST /tasks/{id}/drain|stop|kill|start\n");
        } catch (IOException | RuntimeException e) {
            // E.g. a restart whose Listener port another process took meanwhile: say so, keep serving.
            LoopbackHttpServer.respond(ex, 500, "text/plain", e.getClass().getSimpleName() + ": " + e.getMessage() + "\n");
        }
    }

    private String list() throws IOException {
        ArrayNode out = JSON.createArrayNode();
        for (LocalSender t : tasks.values()) {
            ObjectNode n = out.addObject();
            n.put("id", t.taskId()).put("running", t.running()).put("draining", t.draining()).put("egressApi", t.endpoint());
        }
        return JSON.writeValueAsString(out);
    }

    @Override
    public void close() {
        http.close();
    }
}
