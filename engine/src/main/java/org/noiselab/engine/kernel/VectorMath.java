package org.noiselab.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementary functions over float arrays, built only from additions, multiplications, fused multiply-adds, compares
 * and bit reinterpretation, so their results are bit-identical whether the JIT has compiled the Vector API code or it
 * still runs the Java fallbacks. (The Vector API's own {@code EXP}, {@code SIN} and {@code COS} call a vector math
 * library once compiled and {@code java.lang.Math} before, which differ in the last bit: a run would then depend on
 * when the compiler kicked in, and could not be replayed.) Accuracy is a few units in the last place:
 * <ul>
 *   <li>{@code exp}: Cody-Waite reduction by {@code ln 2}, degree-6 Taylor polynomial, scaling by {@code 2^n} built
 *       in the exponent bits;</li>
 *   <li>{@code sin}, {@code cos}: reduction by {@code pi/2} in three parts, degree-7 and degree-8 polynomials on
 *       {@code [-pi/4, pi/4]}, quadrant selection (accurate for arguments up to about {@code 10^5}).</li>
 * </ul>
 * Every method takes arrays, so vector values never cross a method boundary (JDK 17 can only keep vectors in
 * registers inside one compiled method; a vector passed or returned across a call that is not inlined is boxed).
 */
public final class VectorMath {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693145751953125f;
    private static final float LN2_LO = 1.42860682030941723212e-6f;
    /** Adding and subtracting 1.5 * 2^23 rounds a float of magnitude below 2^22 to the nearest integer. */
    private static final float ROUNDER = 12582912f;
    private static final float TWO_POW_23 = 8388608f;
    private static final float TWO_OVER_PI = 0.636619772367581343f;
    private static final float PIO2_HI = 1.5703125f;
    private static final float PIO2_MID = 4.837512969970703125e-4f;
    private static final float PIO2_LO = 7.54978995489188216e-8f;

    private VectorMath() {
    }

    /** Vectors per call of {@link #expScaled}: the arrays it is given are padded to this. */
    public static int lanes() {
        return L;
    }

    /**
     * {@code out[i] = exp(scale * in[i])} for i in {@code [from, to)}, the argument clamped to {@code [-87, 88]}.
     * {@code to - from} need not be a multiple of the vector length: the tail goes through a padded copy.
     */
    public static void expScaled(float[] in, float scale, float[] out, int from, int to) {
        int i = from;
        int upper = from + (to - from) / L * L;
        for (; i < upper; i += L) {
            FloatVector v = FloatVector.fromArray(S, in, i).mul(scale);
            v = v.blend(-87f, v.compare(VectorOperators.LT, -87f));
            v = v.blend(88f, v.compare(VectorOperators.GT, 88f));
            FloatVector n = v.mul(LOG2E).add(ROUNDER).sub(ROUNDER);
            FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_LO), n.fma(FloatVector.broadcast(S, -LN2_HI), v));
            FloatVector p = r.mul(1f / 720).add(1f / 120).fma(r, FloatVector.broadcast(S, 1f / 24))
                    .fma(r, FloatVector.broadcast(S, 1f / 6)).fma(r, FloatVector.broadcast(S, 0.5f))
                    .fma(r, FloatVector.broadcast(S, 1f)).fma(r, FloatVector.broadcast(S, 1f));
            // n + 127 + 2^23 is exact, with bit pattern 0x4B000000 + (n + 127): shift that into the exponent
            IntVector biased = n.add(127f + TWO_POW_23).reinterpretAsInts().sub(0x4B000000);
            p.mul(biased.lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats()).intoArray(out, i);
        }
        if (i < to) {
            float[] pad = new float[L];
            System.arraycopy(in, i, pad, 0, to - i);
            expScaled(pad, scale, pad, 0, L);
            System.arraycopy(pad, 0, out, i, to - i);
        }
    }

    /**
     * {@code out[sinAt + k] = sin(freq[k] v)} and {@code out[cosAt + k] = cos(freq[k] v)} for {@code k < count},
     * where {@code freq} is padded to a multiple of the vector length (the padding is computed and not stored).
     */
    public static void sinCos(float[] freq, int count, float v, float[] out, int sinAt, int cosAt, float[] scratch) {
        for (int k = 0; k < count; k += L) {
            FloatVector x = FloatVector.fromArray(S, freq, k).mul(v);
            FloatVector turns = x.mul(TWO_OVER_PI).add(ROUNDER).sub(ROUNDER);
            FloatVector r = turns.fma(FloatVector.broadcast(S, -PIO2_HI), x);
            r = turns.fma(FloatVector.broadcast(S, -PIO2_MID), r);
            r = turns.fma(FloatVector.broadcast(S, -PIO2_LO), r);
            FloatVector r2 = r.mul(r);
            FloatVector sin = r2.mul(-1f / 5040).add(1f / 120).fma(r2, FloatVector.broadcast(S, -1f / 6)).mul(r2)
                    .fma(r, r);
            FloatVector cos = r2.mul(1f / 40320).add(-1f / 720).fma(r2, FloatVector.broadcast(S, 1f / 24))
                    .fma(r2, FloatVector.broadcast(S, -0.5f)).fma(r2, FloatVector.broadcast(S, 1f));
            // turns + 1.5 * 2^23 is exact with bit pattern 0x4B400000 + turns: its low two bits are the quadrant,
            // which (low + 2^23 has bit pattern 0x4B000000 + low) becomes a float in {0, 1, 2, 3}
            FloatVector q = turns.add(ROUNDER).reinterpretAsInts().lanewise(VectorOperators.AND, 3).add(0x4B000000)
                    .reinterpretAsFloats().sub(TWO_POW_23);
            VectorMask<Float> odd = q.compare(VectorOperators.EQ, 1f).or(q.compare(VectorOperators.EQ, 3f));
            VectorMask<Float> upper = q.compare(VectorOperators.GE, 2f);
            VectorMask<Float> cosUpper = q.compare(VectorOperators.EQ, 1f).or(q.compare(VectorOperators.EQ, 2f));
            // quadrant 0: (sin r, cos r), 1: (cos r, -sin r), 2: (-sin r, -cos r), 3: (-cos r, sin r)
            FloatVector sinValue = sin.blend(cos, odd);
            FloatVector cosValue = cos.blend(sin, odd);
            sinValue = sinValue.blend(sinValue.mul(-1f), upper);
            cosValue = cosValue.blend(cosValue.mul(-1f), cosUpper);
            if (k + L <= count) {
                sinValue.intoArray(out, sinAt + k);
                cosValue.intoArray(out, cosAt + k);
            } else {
                sinValue.intoArray(scratch, 0);
                System.arraycopy(scratch, 0, out, sinAt + k, count - k);
                cosValue.intoArray(scratch, 0);
                System.arraycopy(scratch, 0, out, cosAt + k, count - k);
            }
        }
    }

    /** The sum of {@code lanes} vector lanes stored in an array, in index order. */
    public static float sumLanes(float[] lanes) {
        float total = 0;
        for (int i = 0; i < L; i++) {
            total += lanes[i];
        }
        return total;
    }

    /** Scratch of one vector's length. */
    public static float[] scratch() {
        return new float[L];
    }
}
