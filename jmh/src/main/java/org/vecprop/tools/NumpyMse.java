package org.vecprop.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * NumPy's side of the MSE report: runs {@code scripts/accuracy_numpy.py} on the manifest the Java
 * side wrote and reads back its losses (the protocol is in that script's docstring).
 */
final class NumpyMse {
    /** "data/n" to {float32 loss, float64 loss}. */
    final Map<String, double[]> losses = new HashMap<>();
    /** NumPy's version, null until the script printed it. */
    String version;
    /** Why the NumPy part is missing or incomplete, null if it ran cleanly. */
    String note;

    private NumpyMse() {}

    /** Runs {@code python script manifest}, its stderr passed through. */
    static NumpyMse run(String python, Path script, Path manifest) throws InterruptedException {
        NumpyMse r = new NumpyMse();
        List<String> cmd = List.of(python, script.toString(), manifest.toString());
        Accuracy.log("# running " + String.join(" ", cmd));
        Process proc;
        try {
            proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            r.note = "NumPy part skipped: cannot start " + python + " (" + e.getMessage() + ").";
            return r;
        }
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split("\t");
                if (f[0].equals("numpy") && f.length >= 2) {
                    r.version = f[1];
                } else if (f[0].equals("result") && f.length >= 5) {
                    r.losses.put(f[1] + "/" + f[2],
                            new double[] {Double.parseDouble(f[3]), Double.parseDouble(f[4])});
                }
            }
        } catch (IOException e) {
            r.note = "NumPy part failed reading output: " + e.getMessage();
        }
        int rc = proc.waitFor();
        if (rc == 3) {
            r.note = "NumPy part skipped: numpy is not installed for " + python + ".";
        } else if (rc != 0) {
            r.note = "NumPy part failed: " + String.join(" ", cmd) + " exited with " + rc + ".";
        }
        return r;
    }
}
