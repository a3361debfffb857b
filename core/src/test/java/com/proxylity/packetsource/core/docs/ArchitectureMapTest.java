package com.proxylity.packetsource.core.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.testevents.TestEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md is the map code comments point to: what it names must exist. Every class
 * and test it names in backticks is a source file (or a type declared in one) of some module,
 * every {@code Class.method} it names is in that class, every module of the root pom has its
 * row, and every discard reason its row in the discard table.
 */
class ArchitectureMapTest {
    private static final Pattern CODE = Pattern.compile("`([^`\\n]+)`");
    private static final Pattern CLASS_LIKE = Pattern.compile("[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+");
    private static final Pattern MEMBER = Pattern.compile("([A-Z][A-Za-z0-9]*)\\.([a-z][A-Za-z0-9_]*)(\\(\\))?");
    private static final Pattern DECLARED = Pattern.compile("\\b(?:class|interface|enum|record)\\s+([A-Z]\\w*)");
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

    private static Path root;
    private static String doc;
    /** Simple name of every source file of every module, main and test, to its text. */
    private static final Map<String, String> FILES = new HashMap<>();
    /** Every type declared anywhere (nested ones too). */
    private static final Set<String> TYPES = new HashSet<>();
    /** Words main code writes in string literals: metric names, JSON fields, attributes. */
    private static final Set<String> VOCABULARY = new HashSet<>();

    @BeforeAll
    static void read() throws IOException {
        root = TestEvents.load().dir().getParent();
        doc = Files.readString(root.resolve("docs/architecture.md"));
        try (Stream<Path> all = Files.walk(root)) {
            all.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/")
                    && !p.toString().contains("/node_modules/") && !p.toString().contains("/target/")).forEach(p -> {
                try {
                    String text = Files.readString(p);
                    String name = p.getFileName().toString().replace(".java", "");
                    FILES.put(name, text);
                    Matcher d = DECLARED.matcher(text);
                    while (d.find()) TYPES.add(d.group(1));
                    if (p.toString().contains("/src/main/")) {
                        Matcher l = LITERAL.matcher(text);
                        while (l.find()) {
                            Matcher w = WORD.matcher(l.group(1));
                            while (w.find()) VOCABULARY.add(w.group());
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        TYPES.addAll(FILES.keySet());
        for (DiscardReason d : DiscardReason.values()) VOCABULARY.add(d.name());
    }

    private static List<String> named() {
        List<String> out = new ArrayList<>();
        Matcher m = CODE.matcher(doc);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    @Test
    void everyTestItNamesExists() {
        Set<String> missing = new TreeSet<>();
        for (String t : named()) {
            String cls = t.contains(".") ? t.substring(0, t.indexOf('.')) : t;
            if (CLASS_LIKE.matcher(cls).matches() && cls.endsWith("Test") && !FILES.containsKey(cls)) missing.add(t);
        }
        assertEquals(Set.of(), missing, "tests named in docs/architecture.md that do not exist");
    }

    @Test
    void everyClassItNamesExistsOrIsAWordTheCodeWrites() {
        Set<String> missing = new TreeSet<>();
        for (String t : named()) {
            if (CLASS_LIKE.matcher(t).matches() && !TYPES.contains(t) && !VOCABULARY.contains(t) && jdkClass(t) == null) {
                missing.add(t);
            }
        }
        assertEquals(Set.of(), missing, "names in docs/architecture.md that are neither a class nor a word of the code");
    }

    @Test
    void everyMemberItNamesIsInItsClass() {
        Set<String> missing = new TreeSet<>();
        for (String t : named()) {
            Matcher m = MEMBER.matcher(t);
            if (!m.matches()) continue;
            String cls = m.group(1);
            String member = m.group(2);
            String text = FILES.get(cls);
            if (text == null) {
                if (!jdkHas(cls, member)) missing.add(t);
                continue;
            }
            boolean enumMethod = text.contains("enum " + cls) && (member.equals("values") || member.equals("valueOf"));
            if (!enumMethod && !Pattern.compile("\\b" + member + "\\b").matcher(text).find()) missing.add(t);
        }
        assertEquals(Set.of(), missing, "Class.member names in docs/architecture.md that are not in their class");
    }

    /** Test methods listed after their class: {@code `SomeTest` (`oneCase`, `another`)}. */
    @Test
    void everyTestMethodListedAfterItsClassIsInIt() {
        Pattern list = Pattern.compile("`([A-Z]\\w*Test)`\\s*\\(((?:\\s*`[a-z]\\w*`\\s*,?)+)\\s*\\)");
        Set<String> missing = new TreeSet<>();
        Matcher m = list.matcher(doc);
        while (m.find()) {
            String text = FILES.get(m.group(1));
            Matcher each = Pattern.compile("`([a-z]\\w*)`").matcher(m.group(2));
            while (each.find()) {
                if (text == null || !Pattern.compile("\\b" + each.group(1) + "\\b").matcher(text).find()) {
                    missing.add(m.group(1) + "." + each.group(1));
                }
            }
        }
        assertEquals(Set.of(), missing, "test methods named in docs/architecture.md that are not in their class");
    }

    /** A JDK class the document names (e.g. {@code InetAddress.getByName}, named as what not to call). */
    private static boolean jdkHas(String cls, String member) {
        Class<?> c = jdkClass(cls);
        return c != null && Arrays.stream(c.getMethods()).anyMatch(m -> m.getName().equals(member));
    }

    private static Class<?> jdkClass(String name) {
        for (String pkg : List.of("java.lang.", "java.net.", "java.util.", "java.util.concurrent.",
                "java.util.concurrent.atomic.", "java.time.", "java.nio.")) {
            try {
                return Class.forName(pkg + name);
            } catch (ClassNotFoundException e) {
                // try the next package
            }
        }
        return null;
    }

    @Test
    void everyModuleOfTheBuildHasItsRowAndTheCountIsRight() throws IOException {
        String pom = Files.readString(root.resolve("pom.xml"));
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        Set<String> modules = new TreeSet<>();
        while (m.find()) modules.add(m.group(1));
        Set<String> rows = new TreeSet<>();
        Matcher r = Pattern.compile("(?m)^\\| `([a-z]+)` \\|").matcher(section("## Modules"));
        while (r.find()) rows.add(r.group(1));
        assertEquals(modules, rows, "one row per module of the root pom");
        List<String> words = List.of("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve");
        assertEquals(true, doc.contains("builds " + words.get(modules.size()) + " modules"), "the module count is stated");
    }

    @Test
    void everyDiscardReasonHasItsRow() {
        Set<String> rows = new TreeSet<>();
        Matcher r = Pattern.compile("(?m)^\\| `([A-Za-z]+)` \\|").matcher(section("## Discard reasons"));
        while (r.find()) rows.add(r.group(1));
        Set<String> reasons = new TreeSet<>();
        for (DiscardReason d : DiscardReason.values()) reasons.add(d.name());
        assertEquals(reasons, rows);
    }

    private static String section(String heading) {
        int start = doc.indexOf("\n" + heading + "\n");
        int end = doc.indexOf("\n## ", start + heading.length() + 2);
        return doc.substring(start, end < 0 ? doc.length() : end);
    }
}
