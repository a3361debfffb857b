package com.proxylity.packetsource.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The send path's stages are numbered in one comment (this package's {@code package-info.java});
 * every class a stage names exists, and its file points back to that comment with the stage's
 * number, so the map and the code cannot drift apart silently.
 */
class SendPathCommentTest {
    private static final Path MAIN = Path.of("src/main/java/com/proxylity/packetsource/sender");
    private static final String POINTER = "package comment of {@code com.proxylity.packetsource.sender}";
    private static final Pattern STAGE = Pattern.compile("<li><b>(\\w+)</b>(.*?)(?=<li>|</ol>)", Pattern.DOTALL);
    private static final Pattern NAMED = Pattern.compile("\\{@code (?:(api|net)\\.)?([A-Z]\\w*)");
    private static final Pattern CITED = Pattern.compile("(?i)stages? (\\d+)(?:(?: and |–)(\\d+))?");

    @Test
    void everyStageFileExistsAndPointsBackWithItsNumber() throws IOException {
        String comment = Files.readString(MAIN.resolve("package-info.java"));
        Matcher stage = STAGE.matcher(comment);
        List<String> stages = new ArrayList<>();
        Set<String> wrong = new TreeSet<>();
        int files = 0;
        while (stage.find()) {
            stages.add(stage.group(1));
            int number = stages.size();
            Matcher named = NAMED.matcher(stage.group(2));
            while (named.find()) {
                Path file = source(named.group(1), named.group(2));
                if (file == null) continue; // a core class (EgressVerifier), documented where it lives
                files++;
                // Comments wrap: read them as one line.
                String text = Files.readString(file).replaceAll("\\s*\\n\\s*\\*?\\s*", " ");
                if (!text.contains(POINTER) || !cites(text, number)) wrong.add(named.group(2) + " (stage " + number + ")");
            }
        }
        assertEquals(List.of("Receive", "Verify", "Parse", "Check", "Admit", "Dispatch", "Encode", "Write", "Complete"),
                stages);
        assertTrue(files >= 12, "the stages name the sender's files: " + files);
        assertEquals(Set.of(), wrong, "stage files that do not point back to the numbered comment");
    }

    /** The sender file declaring {@code type} (in {@code pkg}, or any of the path's packages), or null. */
    private static Path source(String pkg, String type) {
        for (String p : pkg != null ? List.of(pkg) : List.of("api", "net")) {
            Path f = MAIN.resolve(p).resolve(type + ".java");
            if (Files.exists(f)) return f;
        }
        return null;
    }

    private static boolean cites(String text, int number) {
        Matcher m = CITED.matcher(text);
        while (m.find()) {
            int from = Integer.parseInt(m.group(1));
            int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
            if (from <= number && number <= to) return true;
        }
        return false;
    }
}
