import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Fails on a broken relative link in README.md and docs/*.md: a link to a file or directory that
 * does not exist, or to a {@code #anchor} that no heading of the target page has (anchors as GitHub
 * makes them from headings). Links with a scheme (https:, mailto:) are not fetched.
 *
 * <p>Run from the repository root: {@code java .ci/CheckLinks.java} (or name the pages to check).
 */
public class CheckLinks {

    /** {@code [text](target)} and {@code ![alt](target)}, with an optional title. */
    private static final Pattern INLINE = Pattern.compile("\\[(?:[^\\[\\]]|\\[[^\\]]*])*]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** A reference definition: {@code [name]: target}. */
    private static final Pattern REFERENCE = Pattern.compile("^\\s{0,3}\\[[^\\]]+]:\\s*<?(\\S+?)>?(?:\\s+.*)?$");
    private static final Pattern HTML = Pattern.compile("(?:href|src)\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

    private final Map<Path, Set<String>> anchors = new HashMap<>();
    private final List<String> broken = new ArrayList<>();

    public static void main(String[] args) throws IOException {
        List<Path> pages = new ArrayList<>();
        if (args.length > 0) {
            for (String a : args) {
                pages.add(Path.of(a));
            }
        } else {
            pages.add(Path.of("README.md"));
            try (Stream<Path> docs = Files.list(Path.of("docs"))) {
                docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
            }
        }
        CheckLinks check = new CheckLinks();
        int links = 0;
        for (Path page : pages) {
            links += check.page(page);
        }
        if (!check.broken.isEmpty()) {
            check.broken.forEach(System.err::println);
            System.err.println(check.broken.size() + " broken link(s) in " + pages.size() + " pages");
            System.exit(1);
        }
        System.out.println("links: " + links + " relative links in " + pages.size() + " pages resolve");
    }

    /** Checks one page's links; returns how many relative links it has. */
    private int page(Path page) throws IOException {
        List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
        int count = 0;
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            String text = line.replaceAll("`[^`]*`", "``"); // links inside code spans are not links
            List<String> targets = new ArrayList<>();
            for (Pattern p : List.of(INLINE, HTML)) {
                Matcher m = p.matcher(text);
                while (m.find()) {
                    targets.add(m.group(1));
                }
            }
            Matcher ref = REFERENCE.matcher(text);
            if (ref.matches()) {
                targets.add(ref.group(1));
            }
            for (String target : targets) {
                if (SCHEME.matcher(target).find()) {
                    continue;
                }
                count++;
                String problem = problem(page, target);
                if (problem != null) {
                    broken.add(page + ":" + (i + 1) + ": " + target + ": " + problem);
                }
            }
        }
        return count;
    }

    /** Why {@code target}, linked from {@code page}, does not resolve; null when it does. */
    private String problem(Path page, String target) throws IOException {
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path file = path.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(path).normalize();
        if (!Files.exists(file)) {
            return "no such file";
        }
        if (anchor == null || anchor.isEmpty()) {
            return null;
        }
        if (!file.toString().endsWith(".md")) {
            return "an anchor into a file that is not Markdown";
        }
        return anchorsOf(file).contains(anchor) ? null : "no heading with the anchor #" + anchor;
    }

    /** The anchors GitHub gives a page: one per heading (duplicates numbered), and HTML anchors. */
    private Set<String> anchorsOf(Path page) throws IOException {
        Path key = page.toAbsolutePath().normalize();
        Set<String> known = anchors.get(key);
        if (known != null) {
            return known;
        }
        known = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(page, StandardCharsets.UTF_8)) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher h = HEADING.matcher(line);
            if (h.matches()) {
                String slug = slug(h.group(1));
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                known.add(n == 0 ? slug : slug + "-" + n);
            }
            Matcher a = HTML_ANCHOR.matcher(line);
            while (a.find()) {
                known.add(a.group(1));
            }
        }
        anchors.put(key, known);
        return known;
    }

    /**
     * GitHub's anchor for a heading: its text as rendered (link text kept, code and emphasis marks
     * dropped), lower-cased, every character but letters, digits, {@code _}, {@code -} and spaces
     * removed, and each space turned into {@code -}.
     */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)]\\([^)]*\\)", "$1").replaceAll("[`*]", "");
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
    }
}
