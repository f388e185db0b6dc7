#include "egpo_vector_math.h"

#include <math.h>
#include <string.h>

// Lane-wise arithmetic only: no contraction into FMA, so the AVX-512, AVX2 and baseline builds
// (and the scalar tail, which runs through the same vector code on a padded copy) agree bit for bit.
#pragma clang fp contract(off)

typedef float v16f __attribute__((vector_size(64)));
typedef int32_t v16i __attribute__((vector_size(64)));
#define LANES 16
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

// Helpers are macros, not inline functions: clang rejects passing a 64-byte vector by value in
// the AVX2 and baseline builds even where the call would be inlined.
#define SPLAT(x) ((v16f){0} + (float)(x))
#define LOAD(p) ({ v16f v_; memcpy(&v_, (p), sizeof v_); v_; })
#define STORE(p, v) ({ v16f s_ = (v); memcpy((p), &s_, sizeof s_); })
/// The first n lanes of p, the others `fill`.
#define LOAD_PARTIAL(p, n, fill) ({ float b_[LANES]; for (int i_ = 0; i_ < LANES; i_++) b_[i_] = i_ < (n) ? (p)[i_] : (fill); LOAD(b_); })
#define STORE_PARTIAL(p, v, n) ({ float b_[LANES]; STORE(b_, (v)); memcpy((p), b_, (size_t)(n) * sizeof(float)); })
#define SELECT(mask, a, b) ({ v16i m_ = (mask); (v16f)(((v16i)(a) & m_) | ((v16i)(b) & ~m_)); })
#define VMAX(a, b) ({ v16f a_ = (a), c_ = (b); SELECT(a_ > c_, a_, c_); })
/// Lanes summed in a fixed order (pairwise halving), the same on every build.
#define HORIZONTAL_SUM(v) ({ float b_[LANES]; STORE(b_, (v)); \
    for (int w_ = LANES / 2; w_ > 0; w_ /= 2) for (int i_ = 0; i_ < w_; i_++) b_[i_] += b_[i_ + w_]; b_[0]; })
#define HORIZONTAL_MAX(v) ({ float b_[LANES]; STORE(b_, (v)); float m_ = b_[0]; \
    for (int i_ = 1; i_ < LANES; i_++) m_ = b_[i_] > m_ ? b_[i_] : m_; m_; })

/// exp by Cody-Waite range reduction, x = n ln2 + r with |r| <= ln2/2, and Cephes' degree-6
/// polynomial for exp(r) (cephes/single/expf.c), scaled by 2^n through the exponent bits.
#define VEXP(xin) ({ \
    v16f x_ = (xin); \
    const v16f hi_ = SPLAT(88.72283935546875f), lo_ = SPLAT(-87.33654022216797f); \
    v16i overflow_ = x_ > hi_, underflow_ = x_ < lo_, nan_ = x_ != x_; \
    v16f c_ = SELECT(overflow_, hi_, SELECT(underflow_, lo_, x_)); \
    /* Round to nearest through the 1.5 * 2^23 shifter: exact for |c * log2e| < 2^22. */ \
    const v16f shifter_ = SPLAT(12582912.0f); \
    v16f n_ = (c_ * SPLAT(1.44269504088896341f) + shifter_) - shifter_; \
    v16f r_ = c_ - n_ * SPLAT(0.693359375f); \
    r_ = r_ - n_ * SPLAT(-2.12194440e-4f); \
    v16f p_ = SPLAT(1.9875691500e-4f); \
    p_ = p_ * r_ + SPLAT(1.3981999507e-3f); \
    p_ = p_ * r_ + SPLAT(8.3334519073e-3f); \
    p_ = p_ * r_ + SPLAT(4.1665795894e-2f); \
    p_ = p_ * r_ + SPLAT(1.6666665459e-1f); \
    p_ = p_ * r_ + SPLAT(5.0000001201e-1f); \
    p_ = p_ * (r_ * r_) + r_ + SPLAT(1.0f); \
    /* 2^n with n in [-126, 128], as two factors so that 2^128 does not overflow on the way. */ \
    v16i ni_ = __builtin_convertvector(n_, v16i); \
    v16i n1_ = ni_ >> 1, n2_ = ni_ - n1_; \
    v16f y_ = p_ * (v16f)((n1_ + 127) << 23) * (v16f)((n2_ + 127) << 23); \
    y_ = SELECT(underflow_, SPLAT(0.0f), y_); \
    y_ = SELECT(overflow_, SPLAT(INFINITY), y_); \
    SELECT(nan_, x_, y_); })

CLONES void egpo_exp(const float *x, float *y, int64_t count) {
    int64_t i = 0;
    for (; i + LANES <= count; i += LANES) STORE(y + i, VEXP(LOAD(x + i)));
    if (i < count) STORE_PARTIAL(y + i, VEXP(LOAD_PARTIAL(x + i, count - i, 0)), count - i);
}

CLONES float egpo_max(const float *x, int64_t count) {
    v16f m = SPLAT(-INFINITY);
    int64_t i = 0;
    for (; i + LANES <= count; i += LANES) m = VMAX(m, LOAD(x + i));
    if (i < count) m = VMAX(m, LOAD_PARTIAL(x + i, count - i, -INFINITY));
    return HORIZONTAL_MAX(m);
}

CLONES float egpo_softmax(float *x, int64_t count) {
    const float m = egpo_max(x, count);
    const v16f mv = SPLAT(m);
    v16f s = SPLAT(0);
    int64_t i = 0;
    for (; i + LANES <= count; i += LANES) {
        v16f e = VEXP(LOAD(x + i) - mv);
        STORE(x + i, e);
        s += e;
    }
    const int64_t tail = count - i;
    if (tail > 0) {
        v16f e = VEXP(LOAD_PARTIAL(x + i, tail, -INFINITY) - mv);
        STORE_PARTIAL(x + i, e, tail);
        s += e;
    }
    const float sum = HORIZONTAL_SUM(s);
    const v16f inv = SPLAT(1 / sum);
    for (i = 0; i + LANES <= count; i += LANES) STORE(x + i, LOAD(x + i) * inv);
    if (tail > 0) STORE_PARTIAL(x + i, LOAD_PARTIAL(x + i, tail, 0) * inv, tail);
    return m + logf(sum);
}

CLONES void egpo_distribution_row(const float *z, int64_t count, float invT, float *exps, float *maxScaled, float *sum,
                                  float *weightedSum) {
    const float m = egpo_max(z, count) * invT;
    const v16f mv = SPLAT(m), tv = SPLAT(invT);
    v16f s = SPLAT(0), sz = SPLAT(0);
    int64_t i = 0;
    for (; i + LANES <= count; i += LANES) {
        v16f zi = LOAD(z + i) * tv;
        v16f e = VEXP(zi - mv);
        if (exps) STORE(exps + i, e);
        s += e;
        sz += e * zi;
    }
    const int64_t tail = count - i;
    if (tail > 0) {
        // Padding lanes: z = 0 gives e = exp(-m) != 0, so mask them out of both sums.
        v16f zi = LOAD_PARTIAL(z + i, tail, 0) * tv;
        v16f lane = (v16f){0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
        v16i valid = lane < SPLAT((float)tail);
        v16f e = SELECT(valid, VEXP(zi - mv), SPLAT(0));
        if (exps) STORE_PARTIAL(exps + i, e, tail);
        s += e;
        sz += SELECT(valid, e * zi, SPLAT(0));
    }
    *maxScaled = m;
    *sum = HORIZONTAL_SUM(s);
    *weightedSum = HORIZONTAL_SUM(sz);
}

CLONES void egpo_silu_mul(const float *gate, const float *up, float *out, int64_t count) {
    const v16f one = SPLAT(1);
    int64_t i = 0;
    for (; i + LANES <= count; i += LANES) {
        v16f g = LOAD(gate + i);
        STORE(out + i, g / (one + VEXP(-g)) * LOAD(up + i));
    }
    if (i < count) {
        v16f g = LOAD_PARTIAL(gate + i, count - i, 0);
        STORE_PARTIAL(out + i, g / (one + VEXP(-g)) * LOAD_PARTIAL(up + i, count - i, 0), count - i);
    }
}

#define SILU_BACKWARD(d, g, u, dg, du) ({ \
    const v16f one_ = SPLAT(1), g_ = (g); \
    v16f s_ = one_ / (one_ + VEXP(-g_)); \
    (du) = (d) * g_ * s_; \
    (dg) = (d) * (u) * s_ * (one_ + g_ * (one_ - s_)); })

CLONES void egpo_silu_mul_backward(const float *dOut, const float *gate, const float *up, float *dGate, float *dUp,
                                   int64_t count) {
    int64_t i = 0;
    v16f dg, du;
    for (; i + LANES <= count; i += LANES) {
        SILU_BACKWARD(LOAD(dOut + i), LOAD(gate + i), LOAD(up + i), dg, du);
        STORE(dGate + i, dg);
        STORE(dUp + i, du);
    }
    const int64_t tail = count - i;
    if (tail > 0) {
        SILU_BACKWARD(LOAD_PARTIAL(dOut + i, tail, 0), LOAD_PARTIAL(gate + i, tail, 0), LOAD_PARTIAL(up + i, tail, 0), dg, du);
        STORE_PARTIAL(dGate + i, dg, tail);
        STORE_PARTIAL(dUp + i, du, tail);
    }
}

CLONES void egpo_exp_shifted(float *x, int64_t count, float shift) {
    const v16f sv = SPLAT(shift);
    int64_t i = 0;
    for (; i + LANES <= count; i += LANES) STORE(x + i, VEXP(LOAD(x + i) - sv));
    if (i < count) STORE_PARTIAL(x + i, VEXP(LOAD_PARTIAL(x + i, count - i, 0) - sv), count - i);
}

const char *egpo_vector_math_isa(void) {
    // The order target_clones' resolver tries them in.
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return "avx512f";
    if (__builtin_cpu_supports("avx2")) return "avx2";
    return "baseline";
}
