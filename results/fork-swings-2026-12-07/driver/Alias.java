import org.vecprop.kernel.*;
import org.vecprop.jmh.GemmShape;
public class Alias {
  static Object keep;
  public static void main(String[] x) {
    GemmShape s = GemmShape.parse(x[0]);
    int steps = Integer.parseInt(x[1]);
    StringBuilder out = new StringBuilder();
    for (int t = 0; t < steps; t++) {
      float[] a = s.randomA(42);
      keep = new float[(t * 16) % 1024 + 1];           // move B by t*64 bytes (mod 4 KiB) against A
      float[] b = s.randomB(4242);
      keep = new float[(t * 37 * 16) % 1024 + 1];      // and C by another amount
      float[] c = new float[s.m() * s.n()];
      for (int w = 0; w < 20000; w++) Gemm.multiply(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.ldc());
      long best = Long.MAX_VALUE;
      for (int r = 0; r < 200; r++) { long t0 = System.nanoTime();
        for (int i = 0; i < 20; i++) Gemm.multiply(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.ldc());
        best = Math.min(best, (System.nanoTime() - t0) / 20); }
      out.append(t).append(':').append(best).append(' ');
    }
    System.out.println(x[0] + " min ns per layout: " + out);
  }
}
