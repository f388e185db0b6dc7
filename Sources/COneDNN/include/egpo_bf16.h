#ifndef EGPO_BF16_H
#define EGPO_BF16_H
// bf16 matrix products with fp32 accumulation through oneDNN's matmul primitive (Debian's
// libdnnl-dev 2.6, its 2.x C API), and the fp32 -> bf16 rounding that feeds them.
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One product shape: C (M, N) = alpha * op(A) op(B) (+ C when accumulate), A and B bf16, C f32.
/// op(A) is (M, K): A stored row-major (M, K) with row stride lda, or when transA stored (K, M).
/// op(B) is (K, N): B stored row-major (K, N) with row stride ldb, or when transB stored (N, K)
/// (a weight [out, in] for x W^T). C is row-major with row stride ldc.
typedef struct egpo_bf16_gemm egpo_bf16_gemm;

/// NULL on failure, with the reason in error (errorLength bytes).
egpo_bf16_gemm *egpo_bf16_gemm_create(int64_t M, int64_t N, int64_t K, int transA, int64_t lda, int transB, int64_t ldb,
                                      int64_t ldc, float alpha, int accumulate, char *error, int errorLength);
/// 0 on success; otherwise the oneDNN status, with the reason in error.
int egpo_bf16_gemm_run(const egpo_bf16_gemm *gemm, const uint16_t *a, const uint16_t *b, float *c, char *error, int errorLength);
void egpo_bf16_gemm_destroy(egpo_bf16_gemm *gemm);
/// The implementation oneDNN chose (e.g. "brg:avx512_core_bf16").
const char *egpo_bf16_gemm_implementation(const egpo_bf16_gemm *gemm);

/// dst[i] = src[i] rounded to bf16 (nearest, ties to even; NaN stays NaN), as torch's .to(bfloat16).
void egpo_f32_to_bf16(const float *src, uint16_t *dst, int64_t count);
/// The same for a (rows, cols) matrix with row strides.
void egpo_f32_to_bf16_matrix(const float *src, int64_t srcStride, uint16_t *dst, int64_t dstStride, int64_t rows, int64_t cols);

/// 1 when the CPU has native bf16 dot products (AVX512-BF16 or AMX) as oneDNN sees it.
int egpo_cpu_has_native_bf16(void);
/// oneDNN's effective ISA name for messages.
const char *egpo_cpu_isa_name(void);
/// Threads oneDNN uses for the products of every thread from now on (0: OPENBLAS_NUM_THREADS, else OpenMP's default).
void egpo_onednn_set_threads(int threads);

#ifdef __cplusplus
}
#endif
#endif
