#ifndef EGPO_VECTOR_MATH_H
#define EGPO_VECTOR_MATH_H
// The exp-heavy row kernels (softmax, the token distribution's statistics, SwiGLU) over 16-lane
// vectors. Built once per instruction set (AVX-512, AVX2, baseline) and chosen at load time; the
// vector code is written lane by lane with fused multiply-add contraction off, so every build
// gives the same bits.
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// y[i] = exp(x[i]), within 2 ulp of the correctly rounded value on [-87.3, 88.7]; 0 below
/// (denormals flush), +inf above, NaN stays NaN.
void egpo_exp(const float *x, float *y, int64_t count);

/// In place: x[i] = exp(x[i] - shift).
void egpo_exp_shifted(float *x, int64_t count, float shift);

/// The largest of x[0 ..< count] (-inf when count is 0; NaN-free input assumed).
float egpo_max(const float *x, int64_t count);

/// In place: x = exp(x - max) / sum. Returns max + log(sum).
float egpo_softmax(float *x, int64_t count);

/// One row of a token distribution at inverse temperature invT: m = max(z) * invT and
/// e_i = exp(z_i * invT - m); writes e_i into exps when it is not NULL. Returns sum e_i in sum
/// and sum e_i * z_i * invT in weightedSum.
void egpo_distribution_row(const float *z, int64_t count, float invT, float *exps, float *maxScaled, float *sum,
                           float *weightedSum);

/// out = silu(gate) * up = gate / (1 + exp(-gate)) * up.
void egpo_silu_mul(const float *gate, const float *up, float *out, int64_t count);

/// dUp = dOut * silu(gate); dGate = dOut * up * s * (1 + gate * (1 - s)), s = sigmoid(gate).
void egpo_silu_mul_backward(const float *dOut, const float *gate, const float *up, float *dGate, float *dUp,
                            int64_t count);

/// The instruction set this process's kernels were built for: "avx512f", "avx2" or "baseline".
const char *egpo_vector_math_isa(void);

#ifdef __cplusplus
}
#endif
#endif
