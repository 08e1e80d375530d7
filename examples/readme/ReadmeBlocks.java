import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a Markdown page (README.md, docs/running.md) into its fenced code blocks and writes each
 * Java block out as a source file that compiles on its own, so scripts/check-consumer can compile
 * and run every one of them (a page whose code does not compile as pasted is a bug). The blocks
 * run in a folder of their own that holds {@code model.safetensors} (see TorchStateDict.java), so
 * a block may read that file as a reader's program would read theirs.
 *
 * <p>Usage: {@code java ReadmeBlocks.java PAGE.md OUTDIR}. Writes {@code OUTDIR/blocks.tsv}, one
 * line per fenced block: {@code index, README line, language, kind, path, main class, marker,
 * module} ("-" for none), and the files it names, under OUTDIR.
 *
 * <p>How a {@code ```java} block becomes a compilable file (the convention README.md follows):
 * <ul>
 *   <li>{@code module NAME ...}: a module declaration; written as {@code bN/module-info.java} of a
 *       module with no code (kind {@code module});</li>
 *   <li>a block with a top-level {@code class}, {@code record}, {@code interface} or {@code enum}
 *       (at the start of a line): a compilation unit; written as it is, with
 *       {@code package readme.bN;} put first if it has no package (kind {@code unit}); it is run
 *       if it declares {@code static void main};</li>
 *   <li>anything else: statements, after any {@code import} lines; the imports stay at the top,
 *       the statements become the body of {@code public static void main(String[] args) throws
 *       Exception} of class {@code readme.bN.Block} (kind {@code body}), and it is run.</li>
 * </ul>
 * Every block is compiled alone: it may use only what it declares or imports itself, as a reader
 * pasting it would. Every Java block except a module declaration also gets
 * {@code bN/module-info.java} ({@code module readme.X { requires org.vecprop; }}, X the block's
 * number in letters) so that it can be compiled and run on the module path as well as on the
 * class path.
 *
 * <p>Other blocks are only listed ({@code path} empty); a block directly preceded by an HTML
 * comment line {@code <!-- ... -->} gets that comment's text as its marker, which the script reads
 * (for example {@code run in examples/consumer}).
 */
public final class ReadmeBlocks {
    /** An opening fence, possibly indented (a block inside a list item): indent, fence, language. */
    private static final Pattern FENCE = Pattern.compile("^( *)(```+)\\s*([\\w+-]*)\\s*$");
    private static final Pattern MARKER = Pattern.compile("^\\s*<!--\\s*(.*?)\\s*-->\\s*$");
    private static final Pattern TYPE = Pattern.compile(
            "^(?:(?:public|final|abstract|sealed|non-sealed|static|strictfp)\\s+)*"
                    + "(?:class|record|interface|enum)\\s+\\w+");
    private static final Pattern MAIN = Pattern.compile("\\bstatic\\s+void\\s+main\\s*\\(");

    private ReadmeBlocks() {}

    /** One fenced block: where it starts (1-based line of its opening fence), its language, text. */
    record Block(int line, String language, String marker, List<String> lines) {}

    /**
     * Extracts the blocks and writes the files.
     *
     * @param args README.md and the output directory
     * @throws IOException if the README cannot be read or a file cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java ReadmeBlocks.java PAGE.md OUTDIR");
            System.exit(2);
        }
        List<Block> blocks = parse(Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8));
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        StringBuilder tsv = new StringBuilder();
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            String id = "b" + (i + 1);
            String kind = "", path = "", mainClass = "", module = "";
            if (b.language().equals("java")) {
                String text = String.join("\n", b.lines()) + "\n";
                Path dir = out.resolve(id);
                Files.createDirectories(dir);
                if (firstCodeLine(b.lines()).matches("(open\\s+)?module\\s+[\\w.]+\\s*\\{?.*")) {
                    kind = "module";
                    path = id + "/module-info.java";
                    Files.writeString(out.resolve(path), text);
                } else {
                    boolean unit = b.lines().stream().anyMatch(l -> TYPE.matcher(l).find());
                    String source;
                    if (unit) {
                        kind = "unit";
                        String typeName = firstTypeName(b.lines());
                        boolean hasPackage = b.lines().stream().anyMatch(l -> l.startsWith("package "));
                        String pkg = hasPackage ? packageOf(b.lines()) : "readme." + id;
                        source = hasPackage ? text : "package " + pkg + ";\n\n" + text;
                        path = id + "/" + pkg.replace('.', '/') + "/" + typeName + ".java";
                        mainClass = MAIN.matcher(text).find() ? pkg + "." + typeName : "";
                    } else {
                        kind = "body";
                        source = wrapStatements(b.lines(), "readme." + id, b.line());
                        path = id + "/readme/" + id + "/Block.java";
                        mainClass = "readme." + id + ".Block";
                    }
                    Files.createDirectories(out.resolve(path).getParent());
                    Files.writeString(out.resolve(path), source);
                    module = moduleName(i + 1);
                    Files.writeString(dir.resolve("module-info.java"),
                            "module " + module + " {\n    requires org.vecprop;\n}\n");
                }
            }
            tsv.append(String.join("\t", String.valueOf(i + 1), String.valueOf(b.line()),
                    b.language().isEmpty() ? "-" : b.language(), kind.isEmpty() ? "-" : kind,
                    path.isEmpty() ? "-" : path, mainClass.isEmpty() ? "-" : mainClass,
                    b.marker().isEmpty() ? "-" : b.marker(), module.isEmpty() ? "-" : module))
                    .append('\n');
            if (!b.language().equals("java") && !b.language().isEmpty()) {
                // Non-Java blocks are written out too, for the script to compare or run.
                Files.writeString(out.resolve(id + "." + b.language()),
                        String.join("\n", b.lines()) + "\n");
            }
        }
        Files.writeString(out.resolve("blocks.tsv"), tsv.toString());
    }

    /**
     * The module of block {@code n}'s code: {@code readme.} and n in letters (1 = a, 27 = ba),
     * since javac warns about module names that end in digits.
     */
    static String moduleName(int n) {
        StringBuilder letters = new StringBuilder();
        for (int k = n - 1; ; k = k / 26 - 1) {
            letters.insert(0, (char) ('a' + k % 26));
            if (k < 26) {
                break;
            }
        }
        return "readme." + letters;
    }

    /** The fenced blocks of a Markdown file, with the HTML comment line just above each, if any. */
    static List<Block> parse(List<String> readme) {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < readme.size(); i++) {
            Matcher open = FENCE.matcher(readme.get(i));
            if (!open.matches()) {
                continue;
            }
            String indent = open.group(1), fence = open.group(2);
            String marker = "";
            if (i > 0) {
                Matcher m = MARKER.matcher(readme.get(i - 1));
                if (m.matches()) {
                    marker = m.group(1);
                }
            }
            // The block's lines lose the fence's indentation, as Markdown renders them.
            List<String> lines = new ArrayList<>();
            int j = i + 1;
            while (j < readme.size() && !readme.get(j).strip().equals(fence)) {
                String l = readme.get(j);
                lines.add(l.startsWith(indent) ? l.substring(indent.length()) : l.stripLeading());
                j++;
            }
            if (j == readme.size()) {
                throw new IllegalArgumentException("README line " + (i + 1) + ": code block never closed");
            }
            blocks.add(new Block(i + 1, open.group(3), marker, lines));
            i = j;
        }
        return blocks;
    }

    /** The first line that is not blank and not a comment. */
    static String firstCodeLine(List<String> lines) {
        for (String l : lines) {
            String s = l.strip();
            if (!s.isEmpty() && !s.startsWith("//") && !s.startsWith("/*") && !s.startsWith("*")) {
                return s;
            }
        }
        return "";
    }

    static String firstTypeName(List<String> lines) {
        String first = null;
        for (String l : lines) {
            Matcher m = TYPE.matcher(l);
            if (m.find()) {
                String[] words = m.group().split("\\s+");
                String name = words[words.length - 1];
                if (l.startsWith("public ")) {
                    return name; // the file must be named after the public type
                }
                if (first == null) {
                    first = name;
                }
            }
        }
        return first;
    }

    static String packageOf(List<String> lines) {
        for (String l : lines) {
            if (l.startsWith("package ")) {
                return l.substring("package ".length()).replace(";", "").strip();
            }
        }
        throw new IllegalStateException("no package line");
    }

    /**
     * Imports first, then the statements inside {@code main}; the class comment names the README
     * line of the block, so that a compiler error can be traced back to it.
     */
    static String wrapStatements(List<String> lines, String pkg, int fenceLine) {
        StringBuilder imports = new StringBuilder(), body = new StringBuilder();
        int i = 0;
        while (i < lines.size() && (lines.get(i).startsWith("import ") || lines.get(i).isBlank())) {
            if (!lines.get(i).isBlank()) {
                imports.append(lines.get(i)).append('\n');
            }
            i++;
        }
        for (; i < lines.size(); i++) {
            body.append("        ").append(lines.get(i)).append('\n');
        }
        return "package " + pkg + ";\n\n" + imports
                + "\n/** The page's block at line " + fenceLine + ", as the body of main. */\n"
                + "public final class Block {\n"
                + "    private Block() {}\n\n"
                + "    /**\n     * The block.\n     *\n     * @param args not used\n"
                + "     * @throws Exception whatever the block throws\n     */\n"
                + "    public static void main(String[] args) throws Exception {\n"
                + body
                + "    }\n}\n";
    }
}
