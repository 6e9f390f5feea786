package org.noiselab.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix multiply on the JVM with the incubating Vector API, register-blocked 4 rows by 2 vectors.
 *
 * <p>Computes {@code C[r, :] = (accumulate ? C[r, :] : 0) + bias + sum_q A(r, q) B[q, :]} for rows {@code r} in a
 * range, where {@code B} is a row-major {@code k x m} matrix and {@code A(r, q) = a[aOffset + r * aRowStride + q *
 * aColStride]}. Strides make one kernel serve the three products of a dense layer: {@code X W} (row-major A),
 * {@code X^T D} (A read transposed, for weight gradients) and {@code D W^T} (with {@code W^T} materialised by
 * {@link #transpose}). Small-MLP products are too small for BLAS dispatch to pay; this kernel keeps the whole step
 * inside JIT-compiled loops.
 *
 * <p>Only full-width vector loads and stores are used: JDK 17 does not compile masked vector memory operations into
 * masked instructions, so they would run through slow, allocating fallbacks. Column tails narrower than a vector are
 * done in scalar code, and products with fewer columns than a vector (a read-out layer with one or two outputs) are
 * vectorised along the reduction instead, as dot products.
 */
public final class VectorGemm {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorGemm() {
    }

    /**
     * The product described in the class comment.
     *
     * @param a          the left operand's storage
     * @param aOffset    offset of {@code A(0, 0)}
     * @param aRowStride distance between {@code A(r, q)} and {@code A(r + 1, q)}
     * @param aColStride distance between {@code A(r, q)} and {@code A(r, q + 1)}
     * @param b          storage of the row-major {@code k x m} right operand
     * @param bOffset    offset of {@code B[0, 0]}
     * @param k          reduction length
     * @param m          number of output columns
     * @param c          storage of the row-major output with {@code m} columns
     * @param cOffset    offset of {@code C[0, 0]}
     * @param rowFrom    first output row (inclusive)
     * @param rowTo      last output row (exclusive)
     * @param accumulate whether to add to the existing {@code C} (otherwise it is overwritten)
     * @param bias       storage of a length-{@code m} vector added to every output row, or {@code null}
     * @param biasOffset offset of the bias vector
     */
    public static void multiply(float[] a, int aOffset, int aRowStride, int aColStride, float[] b, int bOffset, int k,
                                int m, float[] c, int cOffset, int rowFrom, int rowTo, boolean accumulate,
                                float[] bias, int biasOffset) {
        if (m < L && aColStride == 1) {
            dotProducts(a, aOffset, aRowStride, b, bOffset, k, m, c, cOffset, rowFrom, rowTo, accumulate, bias,
                    biasOffset);
            return;
        }
        int full = m - m % L;
        int r = rowFrom;
        for (; r + 4 <= rowTo; r += 4) {
            int a0 = aOffset + r * aRowStride;
            int c0 = cOffset + r * m;
            int j = 0;
            for (; j + 2 * L <= full; j += 2 * L) {
                block4x2(a, a0, aRowStride, aColStride, b, bOffset + j, k, m, c, c0 + j, accumulate, bias,
                        biasOffset + j);
            }
            for (; j < full; j += L) {
                block4x1(a, a0, aRowStride, aColStride, b, bOffset + j, k, m, c, c0 + j, accumulate, bias,
                        biasOffset + j);
            }
        }
        for (; r < rowTo; r++) {
            for (int j = 0; j < full; j += L) {
                block1x1(a, aOffset + r * aRowStride, aColStride, b, bOffset + j, k, m, c, cOffset + r * m + j,
                        accumulate, bias, biasOffset + j);
            }
        }
        if (full < m) {
            scalarColumns(a, aOffset, aRowStride, aColStride, b, bOffset, k, m, full, c, cOffset, rowFrom, rowTo,
                    accumulate, bias, biasOffset);
        }
    }

    private static FloatVector init(float[] c, int off, boolean accumulate, float[] bias, int biasOff) {
        FloatVector v = accumulate ? FloatVector.fromArray(S, c, off) : FloatVector.zero(S);
        return bias == null ? v : v.add(FloatVector.fromArray(S, bias, biasOff));
    }

    private static void block4x2(float[] a, int a0, int rs, int cs, float[] b, int bStart, int k, int m, float[] c,
                                 int o0, boolean acc, float[] bias, int bi) {
        int o1 = o0 + m;
        int o2 = o1 + m;
        int o3 = o2 + m;
        FloatVector c00 = init(c, o0, acc, bias, bi);
        FloatVector c01 = init(c, o0 + L, acc, bias, bi + L);
        FloatVector c10 = init(c, o1, acc, bias, bi);
        FloatVector c11 = init(c, o1 + L, acc, bias, bi + L);
        FloatVector c20 = init(c, o2, acc, bias, bi);
        FloatVector c21 = init(c, o2 + L, acc, bias, bi + L);
        FloatVector c30 = init(c, o3, acc, bias, bi);
        FloatVector c31 = init(c, o3 + L, acc, bias, bi + L);
        int a1 = a0 + rs;
        int a2 = a1 + rs;
        int a3 = a2 + rs;
        for (int q = 0, bo = bStart, ao = 0; q < k; q++, bo += m, ao += cs) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector v = FloatVector.broadcast(S, a[a0 + ao]);
            c00 = v.fma(b0, c00);
            c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(S, a[a1 + ao]);
            c10 = v.fma(b0, c10);
            c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(S, a[a2 + ao]);
            c20 = v.fma(b0, c20);
            c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(S, a[a3 + ao]);
            c30 = v.fma(b0, c30);
            c31 = v.fma(b1, c31);
        }
        c00.intoArray(c, o0);
        c01.intoArray(c, o0 + L);
        c10.intoArray(c, o1);
        c11.intoArray(c, o1 + L);
        c20.intoArray(c, o2);
        c21.intoArray(c, o2 + L);
        c30.intoArray(c, o3);
        c31.intoArray(c, o3 + L);
    }

    private static void block4x1(float[] a, int a0, int rs, int cs, float[] b, int bStart, int k, int m, float[] c,
                                 int o0, boolean acc, float[] bias, int bi) {
        int o1 = o0 + m;
        int o2 = o1 + m;
        int o3 = o2 + m;
        FloatVector c0 = init(c, o0, acc, bias, bi);
        FloatVector c1 = init(c, o1, acc, bias, bi);
        FloatVector c2 = init(c, o2, acc, bias, bi);
        FloatVector c3 = init(c, o3, acc, bias, bi);
        int a1 = a0 + rs;
        int a2 = a1 + rs;
        int a3 = a2 + rs;
        for (int q = 0, bo = bStart, ao = 0; q < k; q++, bo += m, ao += cs) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            c0 = FloatVector.broadcast(S, a[a0 + ao]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + ao]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + ao]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + ao]).fma(b0, c3);
        }
        c0.intoArray(c, o0);
        c1.intoArray(c, o1);
        c2.intoArray(c, o2);
        c3.intoArray(c, o3);
    }

    private static void block1x1(float[] a, int a0, int cs, float[] b, int bStart, int k, int m, float[] c, int o0,
                                 boolean acc, float[] bias, int bi) {
        FloatVector c0 = init(c, o0, acc, bias, bi);
        for (int q = 0, bo = bStart, ao = a0; q < k; q++, bo += m, ao += cs) {
            c0 = FloatVector.broadcast(S, a[ao]).fma(FloatVector.fromArray(S, b, bo), c0);
        }
        c0.intoArray(c, o0);
    }

    /** Columns {@code from..m} of every row in scalar code (tails narrower than a vector). */
    private static void scalarColumns(float[] a, int aOffset, int rs, int cs, float[] b, int bOffset, int k, int m,
                                      int from, float[] c, int cOffset, int rowFrom, int rowTo, boolean acc,
                                      float[] bias, int biasOffset) {
        for (int r = rowFrom; r < rowTo; r++) {
            int ar = aOffset + r * rs;
            for (int j = from; j < m; j++) {
                float s = acc ? c[cOffset + r * m + j] : 0f;
                if (bias != null) {
                    s += bias[biasOffset + j];
                }
                for (int q = 0; q < k; q++) {
                    s += a[ar + q * cs] * b[bOffset + q * m + j];
                }
                c[cOffset + r * m + j] = s;
            }
        }
    }

    /** Fewer output columns than a vector, A rows contiguous: vectorise each output as a dot product over q. */
    private static void dotProducts(float[] a, int aOffset, int rs, float[] b, int bOffset, int k, int m, float[] c,
                                    int cOffset, int rowFrom, int rowTo, boolean acc, float[] bias, int biasOffset) {
        float[] bt = new float[m * k];
        float[] lanes = VectorMath.scratch();
        transpose(b, bOffset, k, m, bt);
        int vk = k - k % L;
        for (int r = rowFrom; r < rowTo; r++) {
            int ar = aOffset + r * rs;
            for (int j = 0; j < m; j++) {
                int bj = j * k;
                FloatVector sum = FloatVector.zero(S);
                for (int q = 0; q < vk; q += L) {
                    sum = FloatVector.fromArray(S, a, ar + q).fma(FloatVector.fromArray(S, bt, bj + q), sum);
                }
                sum.intoArray(lanes, 0);
                float s = VectorMath.sumLanes(lanes);
                for (int q = vk; q < k; q++) {
                    s += a[ar + q] * bt[bj + q];
                }
                if (bias != null) {
                    s += bias[biasOffset + j];
                }
                int o = cOffset + r * m + j;
                c[o] = acc ? c[o] + s : s;
            }
        }
    }

    /** Writes the transpose of the row-major {@code rows x cols} matrix {@code src} into {@code dst} ({@code cols x rows}). */
    public static void transpose(float[] src, int srcOffset, int rows, int cols, float[] dst) {
        transpose(src, srcOffset, rows, cols, dst, 0);
    }

    /** As {@link #transpose(float[], int, int, int, float[])}, writing from {@code dstOffset}. */
    public static void transpose(float[] src, int srcOffset, int rows, int cols, float[] dst, int dstOffset) {
        for (int i = 0; i < rows; i++) {
            int base = srcOffset + i * cols;
            for (int j = 0; j < cols; j++) {
                dst[dstOffset + j * rows + i] = src[base + j];
            }
        }
    }
}
