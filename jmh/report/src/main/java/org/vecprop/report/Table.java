package org.vecprop.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A Markdown (GitHub) table whose columns are padded so that it also reads as plain text. */
final class Table {
    private final List<String> headers;
    private final boolean[] right;
    private final List<List<String>> rows = new ArrayList<>();

    /** Headers; a header starting with {@code >} is a right-aligned (numeric) column. */
    Table(String... headers) {
        this.headers = new ArrayList<>();
        this.right = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            right[i] = headers[i].startsWith(">");
            this.headers.add(right[i] ? headers[i].substring(1) : headers[i]);
        }
    }

    Table row(String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table " + headers.size());
        }
        rows.add(Arrays.stream(cells).map(Table::escape).toList());
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Escapes what would break a table cell. */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("|", "\\|").replace("\n", " ");
    }

    String render() {
        int cols = headers.size();
        int[] w = new int[cols];
        for (int c = 0; c < cols; c++) {
            w[c] = Math.max(3, width(headers.get(c)));
            for (List<String> r : rows) {
                w[c] = Math.max(w[c], width(r.get(c)));
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, headers, w);
        sb.append('|');
        for (int c = 0; c < cols; c++) {
            sb.append(' ').append("-".repeat(w[c] - (right[c] ? 1 : 0))).append(right[c] ? ":" : "").append(" |");
        }
        sb.append('\n');
        for (List<String> r : rows) {
            line(sb, r, w);
        }
        return sb.toString();
    }

    private void line(StringBuilder sb, List<String> cells, int[] w) {
        sb.append('|');
        for (int c = 0; c < cells.size(); c++) {
            String s = cells.get(c);
            String pad = " ".repeat(w[c] - width(s));
            sb.append(' ').append(right[c] ? pad + s : s + pad).append(" |");
        }
        sb.append('\n');
    }

    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}
