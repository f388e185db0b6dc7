#include "egpo_bf16.h"

#include <oneapi/dnnl/dnnl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void omp_set_num_threads(int);

// Threads oneDNN's OpenMP regions use: set by egpo_onednn_set_threads, else OPENBLAS_NUM_THREADS
// (so one thread per rank under mpirun, as for OpenBLAS), else OpenMP's own default
// (OMP_NUM_THREADS, or every core). OpenMP keeps the count per calling thread, so each thread
// applies it before its first product.
static int desiredThreads = 0;
static __thread int appliedThreads = 0;

static int threadsWanted(void) {
    if (desiredThreads > 0) return desiredThreads;
    if (getenv("OMP_NUM_THREADS")) return 0;
    const char *blas = getenv("OPENBLAS_NUM_THREADS");
    int n = blas ? atoi(blas) : 0;
    return n > 0 ? n : 0;
}

struct egpo_bf16_gemm {
    dnnl_primitive_t primitive;
    dnnl_memory_desc_t a, b, c, scratchpad;
    size_t scratchpadBytes;
    char implementation[64];
};

static dnnl_engine_t engine;
static dnnl_status_t engineStatus = dnnl_success;
static pthread_once_t engineOnce = PTHREAD_ONCE_INIT;
static void makeEngine(void) { engineStatus = dnnl_engine_create(&engine, dnnl_cpu, 0); }

// One stream per thread: oneDNN streams are not to be shared between threads. And one scratchpad
// per thread: the library's own scratchpad is shared by all primitives and not thread-safe, so
// primitives are made in user scratchpad mode and each thread hands them its own.
static __thread dnnl_stream_t stream;
static __thread void *scratch;
static __thread size_t scratchBytes;

static void say(char *error, int length, const char *what, dnnl_status_t status) {
    if (error && length > 0) snprintf(error, (size_t)length, "oneDNN %s failed with status %d", what, (int)status);
}

#define CHECK(call, what)                          \
    do {                                           \
        dnnl_status_t s_ = (call);                 \
        if (s_ != dnnl_success) {                  \
            say(error, errorLength, what, s_);     \
            goto fail;                             \
        }                                          \
    } while (0)

egpo_bf16_gemm *egpo_bf16_gemm_create(int64_t M, int64_t N, int64_t K, int transA, int64_t lda, int transB, int64_t ldb,
                                      int64_t ldc, float alpha, int accumulate, char *error, int errorLength) {
    pthread_once(&engineOnce, makeEngine);
    if (engineStatus != dnnl_success) {
        say(error, errorLength, "engine creation", engineStatus);
        return NULL;
    }
    egpo_bf16_gemm *g = calloc(1, sizeof *g);
    dnnl_primitive_attr_t attr = NULL;
    dnnl_post_ops_t ops = NULL;
    dnnl_primitive_desc_t pd = NULL;
    if (!g) return NULL;
    dnnl_dims_t aDims = {M, K}, bDims = {K, N}, cDims = {M, N};
    dnnl_dims_t aStrides = {transA ? 1 : lda, transA ? lda : 1};
    dnnl_dims_t bStrides = {transB ? 1 : ldb, transB ? ldb : 1};
    dnnl_dims_t cStrides = {ldc, 1};
    CHECK(dnnl_memory_desc_init_by_strides(&g->a, 2, aDims, dnnl_bf16, aStrides), "A descriptor");
    CHECK(dnnl_memory_desc_init_by_strides(&g->b, 2, bDims, dnnl_bf16, bStrides), "B descriptor");
    CHECK(dnnl_memory_desc_init_by_strides(&g->c, 2, cDims, dnnl_f32, cStrides), "C descriptor");
    dnnl_matmul_desc_t desc;
    CHECK(dnnl_matmul_desc_init(&desc, &g->a, &g->b, NULL, &g->c), "matmul descriptor");
    CHECK(dnnl_primitive_attr_create(&attr), "attribute creation");
    CHECK(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), "scratchpad mode");
    if (alpha != 1.0f) CHECK(dnnl_primitive_attr_set_output_scales(attr, 1, 0, &alpha), "output scale");
    if (accumulate) {
        CHECK(dnnl_post_ops_create(&ops), "post-ops creation");
        CHECK(dnnl_post_ops_append_sum(ops, 1.0f), "sum post-op");
        CHECK(dnnl_primitive_attr_set_post_ops(attr, ops), "post-ops");
    }
    CHECK(dnnl_primitive_desc_create(&pd, &desc, attr, engine, NULL), "matmul primitive descriptor");
    const char *impl = NULL;
    if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) == dnnl_success && impl) {
        strncpy(g->implementation, impl, sizeof g->implementation - 1);
    }
    const dnnl_memory_desc_t *pad = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    if (pad) {
        g->scratchpad = *pad;
        g->scratchpadBytes = dnnl_memory_desc_get_size(pad);
    }
    CHECK(dnnl_primitive_create(&g->primitive, pd), "matmul primitive");
    dnnl_primitive_desc_destroy(pd);
    dnnl_primitive_attr_destroy(attr);
    if (ops) dnnl_post_ops_destroy(ops);
    return g;
fail:
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (attr) dnnl_primitive_attr_destroy(attr);
    if (ops) dnnl_post_ops_destroy(ops);
    free(g);
    return NULL;
}

int egpo_bf16_gemm_run(const egpo_bf16_gemm *g, const uint16_t *a, const uint16_t *b, float *c, char *error, int errorLength) {
    dnnl_memory_t ma = NULL, mb = NULL, mc = NULL, ms = NULL;
    dnnl_status_t s = dnnl_success;
    int want = threadsWanted();
    if (want > 0 && want != appliedThreads) {
        omp_set_num_threads(want);
        appliedThreads = want;
    }
    if (!stream) {
        s = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
        if (s != dnnl_success) { say(error, errorLength, "stream creation", s); stream = NULL; return (int)s; }
    }
    if ((s = dnnl_memory_create(&ma, &g->a, engine, (void *)a)) != dnnl_success) { say(error, errorLength, "A memory", s); goto done; }
    if ((s = dnnl_memory_create(&mb, &g->b, engine, (void *)b)) != dnnl_success) { say(error, errorLength, "B memory", s); goto done; }
    if ((s = dnnl_memory_create(&mc, &g->c, engine, c)) != dnnl_success) { say(error, errorLength, "C memory", s); goto done; }
    int count = 3;
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}, {DNNL_ARG_SCRATCHPAD, NULL}};
    if (g->scratchpadBytes > 0) {
        if (scratchBytes < g->scratchpadBytes) {
            free(scratch);
            scratch = aligned_alloc(64, (g->scratchpadBytes + 63) / 64 * 64);
            scratchBytes = scratch ? g->scratchpadBytes : 0;
            if (!scratch) { s = dnnl_out_of_memory; say(error, errorLength, "scratchpad allocation", s); goto done; }
        }
        if ((s = dnnl_memory_create(&ms, &g->scratchpad, engine, scratch)) != dnnl_success) { say(error, errorLength, "scratchpad memory", s); goto done; }
        args[3].memory = ms;
        count = 4;
    }
    if ((s = dnnl_primitive_execute(g->primitive, stream, count, args)) != dnnl_success) { say(error, errorLength, "matmul", s); goto done; }
    if ((s = dnnl_stream_wait(stream)) != dnnl_success) say(error, errorLength, "stream wait", s);
done:
    if (ma) dnnl_memory_destroy(ma);
    if (mb) dnnl_memory_destroy(mb);
    if (mc) dnnl_memory_destroy(mc);
    if (ms) dnnl_memory_destroy(ms);
    return (int)s;
}

void egpo_bf16_gemm_destroy(egpo_bf16_gemm *g) {
    if (!g) return;
    if (g->primitive) dnnl_primitive_destroy(g->primitive);
    free(g);
}

const char *egpo_bf16_gemm_implementation(const egpo_bf16_gemm *g) { return g->implementation; }

static inline uint16_t roundToBF16(float x) {
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return 0x7fc0;  // NaN
    return (uint16_t)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

void egpo_f32_to_bf16(const float *src, uint16_t *dst, int64_t count) {
    for (int64_t i = 0; i < count; i++) dst[i] = roundToBF16(src[i]);
}

void egpo_f32_to_bf16_matrix(const float *src, int64_t srcStride, uint16_t *dst, int64_t dstStride, int64_t rows, int64_t cols) {
    for (int64_t r = 0; r < rows; r++) egpo_f32_to_bf16(src + r * srcStride, dst + r * dstStride, cols);
}

int egpo_cpu_has_native_bf16(void) {
    dnnl_cpu_isa_t isa = dnnl_get_effective_cpu_isa();
    return (isa & dnnl_cpu_isa_avx512_core_bf16) == dnnl_cpu_isa_avx512_core_bf16;
}

const char *egpo_cpu_isa_name(void) {
    switch (dnnl_get_effective_cpu_isa()) {
    case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
    case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core: return "avx512_core";
    case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
    case dnnl_cpu_isa_avx2: return "avx2";
    case dnnl_cpu_isa_avx: return "avx";
    case dnnl_cpu_isa_sse41: return "sse41";
    default: return "other";
    }
}

void egpo_onednn_set_threads(int threads) { desiredThreads = threads > 0 ? threads : 0; }
