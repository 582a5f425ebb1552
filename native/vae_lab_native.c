/*
 * vae-lab's native fast path: a Node-API addon that runs the training step's heavy arithmetic on
 * the CPU's own vector units, directly on the tfjs WASM backend's memory (zero copy).
 *
 * - Matrix products go to OpenBLAS's cblas_sgemm (AVX-512/AVX2 kernels), loaded at run time with
 *   dlopen, so no -dev package is needed to build, and the addon loads (and says why it is off)
 *   where OpenBLAS is missing.
 * - The small loops around them (bias + ReLU, the ReLU mask and bias gradient, the fused Adam
 *   update, the Bernoulli loss and its gradient) are C with SSE2 where it pays, compiled with
 *   -ffp-contract=off so float32 results round as tfjs's kernels do (Adam is bit-identical to
 *   tf.train.adam; see src/engine/fastAdam.ts).
 *
 * Every function takes the WASM memory's ArrayBuffer and byte offsets of tensors inside it (the
 * backend's `memoryOffset`). Offsets and sizes are bounds-checked: a wrong call throws a JS error
 * instead of crashing the process (a notebook kernel would die with it).
 *
 * Used by src/engine/native.ts; built by scripts/build-native.mjs (node-gyp) at npm install.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* CBLAS constants (cblas.h), declared here so the build needs no BLAS headers. */
enum { RowMajor = 101, NoTrans = 111, Trans = 112 };
typedef void (*sgemm_fn)(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
                         const float *b, int ldb, float beta, float *c, int ldc);
typedef void (*set_threads_fn)(int);
typedef int (*get_threads_fn)(void);
typedef char *(*get_string_fn)(void);

static sgemm_fn sgemm = NULL;
static set_threads_fn set_threads = NULL;
static get_threads_fn get_threads = NULL;
static get_string_fn get_corename = NULL;
static get_string_fn get_config = NULL;
static char loaded_path[512] = "";

#define CHECK(call)                                                                                                    \
  do {                                                                                                                 \
    if ((call) != napi_ok) {                                                                                           \
      napi_throw_error(env, NULL, "vae-lab native: N-API call failed: " #call);                                       \
      return NULL;                                                                                                     \
    }                                                                                                                  \
  } while (0)

#define MAX_ARGS 16

typedef struct {
  napi_env env;
  napi_value argv[MAX_ARGS];
  size_t argc;
  uint8_t *base; /* start of the WASM memory */
  size_t bytes;  /* its length */
  int failed;
} Call;

static int fail(Call *c, const char *message) {
  if (!c->failed) napi_throw_error(c->env, NULL, message);
  c->failed = 1;
  return 0;
}

/* Reads the arguments; argv[0] must be the WASM memory's ArrayBuffer. */
static int begin(Call *c, napi_env env, napi_callback_info info, size_t want) {
  c->env = env;
  c->argc = MAX_ARGS;
  c->failed = 0;
  c->base = NULL;
  c->bytes = 0;
  if (napi_get_cb_info(env, info, &c->argc, c->argv, NULL, NULL) != napi_ok) return fail(c, "vae-lab native: bad call");
  if (c->argc < want) return fail(c, "vae-lab native: too few arguments");
  bool is_ab = false;
  napi_is_arraybuffer(env, c->argv[0], &is_ab);
  if (!is_ab) return fail(c, "vae-lab native: the first argument must be the WASM memory's ArrayBuffer");
  void *data = NULL;
  if (napi_get_arraybuffer_info(env, c->argv[0], &data, &c->bytes) != napi_ok) return fail(c, "vae-lab native: cannot read the ArrayBuffer");
  c->base = (uint8_t *)data;
  return 1;
}

static int64_t int_arg(Call *c, size_t i) {
  int64_t v = 0;
  if (c->failed) return 0;
  if (napi_get_value_int64(c->env, c->argv[i], &v) != napi_ok) fail(c, "vae-lab native: expected an integer argument");
  return v;
}

static float float_arg(Call *c, size_t i) {
  double v = 0;
  if (c->failed) return 0;
  if (napi_get_value_double(c->env, c->argv[i], &v) != napi_ok) fail(c, "vae-lab native: expected a number argument");
  return (float)v;
}

/* A float32 array of `count` elements at byte `offset` of the memory, or NULL (and a JS error). */
static float *floats(Call *c, int64_t offset, int64_t count) {
  if (c->failed) return NULL;
  if (offset < 0 || count < 0 || (offset & 3) != 0 || (uint64_t)offset + (uint64_t)count * 4 > c->bytes) {
    fail(c, "vae-lab native: tensor outside the WASM memory (wrong offset or shape)");
    return NULL;
  }
  return (float *)(c->base + offset);
}

static napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

static int need_blas(Call *c) {
  if (!sgemm) return fail(c, "vae-lab native: no BLAS loaded (call load() first)");
  return 1;
}

/* load(paths: string[]) → string: the path loaded; throws with every path's dlerror when none has cblas_sgemm. */
static napi_value Load(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_value result;
  if (sgemm) {
    CHECK(napi_create_string_utf8(env, loaded_path, NAPI_AUTO_LENGTH, &result));
    return result;
  }
  uint32_t n = 0;
  if (argc < 1 || napi_get_array_length(env, argv[0], &n) != napi_ok) {
    napi_throw_type_error(env, NULL, "vae-lab native: load() takes an array of library names");
    return NULL;
  }
  char errors[2048] = "";
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    char path[512];
    size_t len = 0;
    CHECK(napi_get_element(env, argv[0], i, &item));
    if (napi_get_value_string_utf8(env, item, path, sizeof path, &len) != napi_ok) continue;
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char *e = dlerror();
      snprintf(errors + strlen(errors), sizeof errors - strlen(errors), "%s%s", errors[0] ? "; " : "", e ? e : path);
      continue;
    }
    sgemm_fn f = (sgemm_fn)dlsym(lib, "cblas_sgemm");
    if (!f) {
      snprintf(errors + strlen(errors), sizeof errors - strlen(errors), "%s%s: no cblas_sgemm", errors[0] ? "; " : "", path);
      dlclose(lib);
      continue;
    }
    sgemm = f;
    set_threads = (set_threads_fn)dlsym(lib, "openblas_set_num_threads");
    get_threads = (get_threads_fn)dlsym(lib, "openblas_get_num_threads");
    get_corename = (get_string_fn)dlsym(lib, "openblas_get_corename");
    get_config = (get_string_fn)dlsym(lib, "openblas_get_config");
    snprintf(loaded_path, sizeof loaded_path, "%s", path);
    CHECK(napi_create_string_utf8(env, loaded_path, NAPI_AUTO_LENGTH, &result));
    return result;
  }
  napi_throw_error(env, NULL, errors[0] ? errors : "no library names given");
  return NULL;
}

/* info() → { library, core, config, threads } of the loaded BLAS ("" / 0 where it does not say). */
static napi_value Info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj, v;
  CHECK(napi_create_object(env, &obj));
  CHECK(napi_create_string_utf8(env, loaded_path, NAPI_AUTO_LENGTH, &v));
  CHECK(napi_set_named_property(env, obj, "library", v));
  const char *core = get_corename ? get_corename() : "";
  CHECK(napi_create_string_utf8(env, core ? core : "", NAPI_AUTO_LENGTH, &v));
  CHECK(napi_set_named_property(env, obj, "core", v));
  const char *config = get_config ? get_config() : "";
  CHECK(napi_create_string_utf8(env, config ? config : "", NAPI_AUTO_LENGTH, &v));
  CHECK(napi_set_named_property(env, obj, "config", v));
  CHECK(napi_create_int32(env, get_threads ? get_threads() : 0, &v));
  CHECK(napi_set_named_property(env, obj, "threads", v));
  return obj;
}

/* setThreads(n): OpenBLAS's thread count (no-op for other BLAS libraries). */
static napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t n = 1;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1) CHECK(napi_get_value_int32(env, argv[0], &n));
  if (set_threads && n >= 1) set_threads(n);
  return undefined(env);
}

/* row += bias, then max(row, 0) if relu, branch-free (as grad_pre); NaN stays NaN, as in tfjs's relu. */
static void bias_relu(float *restrict y, const float *restrict bias, int64_t rows, int64_t cols, int relu) {
  for (int64_t r = 0; r < rows; r++) {
    float *restrict row = y + r * cols;
    int64_t j = 0;
#ifdef __SSE2__
    const __m128 zero = _mm_setzero_ps();
    for (; j + 4 <= cols; j += 4) {
      __m128 v = _mm_loadu_ps(row + j);
      if (bias) v = _mm_add_ps(v, _mm_loadu_ps(bias + j));
      if (relu) v = _mm_max_ps(zero, v); /* maxps returns its second operand when either is NaN */
      _mm_storeu_ps(row + j, v);
    }
#endif
    for (; j < cols; j++) {
      float v = bias ? row[j] + bias[j] : row[j];
      row[j] = relu && v < 0 ? 0.0f : v;
    }
  }
}

/*
 * gemm(mem, transA, transB, m, n, k, a, b, beta, c, bias, relu): C[m×n] = act(op(A)·op(B) + beta·C + bias),
 * row-major and contiguous: op(A) is [m×k] (A stored [k×m] when transA), op(B) is [k×n] (B stored
 * [n×k] when transB); bias [n] added to every row (offset −1: none); relu 1 applies max(·, 0).
 */
static napi_value Gemm(napi_env env, napi_callback_info info) {
  Call c;
  if (!begin(&c, env, info, 12) || !need_blas(&c)) return NULL;
  int ta = (int)int_arg(&c, 1), tb = (int)int_arg(&c, 2);
  int64_t m = int_arg(&c, 3), n = int_arg(&c, 4), k = int_arg(&c, 5);
  const float *a = floats(&c, int_arg(&c, 6), m * k);
  const float *b = floats(&c, int_arg(&c, 7), k * n);
  float beta = float_arg(&c, 8);
  float *out = floats(&c, int_arg(&c, 9), m * n);
  int64_t bias_at = int_arg(&c, 10);
  const float *bias = bias_at < 0 ? NULL : floats(&c, bias_at, n);
  int relu = (int)int_arg(&c, 11);
  if (c.failed) return NULL;
  if (m == 0 || n == 0) return undefined(env);
  if (m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) {
    fail(&c, "vae-lab native: matrix too large for BLAS's 32-bit sizes");
    return NULL;
  }
  if (k == 0) {
    for (int64_t i = 0; i < m * n; i++) out[i] = beta == 0 ? 0 : beta * out[i];
  } else {
    sgemm(RowMajor, ta ? Trans : NoTrans, tb ? Trans : NoTrans, (int)m, (int)n, (int)k, 1.0f, a, ta ? (int)m : (int)k, b,
          tb ? (int)k : (int)n, beta, out, (int)n);
  }
  if (bias || relu) bias_relu(out, bias, m, n, relu);
  return undefined(env);
}

/* ReLU'(pre)·dy and the column sums, branch-free: a branch on the sign mispredicts half the time
   (~300 us instead of ~15 us for [128×256] here), and GCC would not vectorise the select. Equal to
   tfjs's mul(dy, step(y)) except for the sign of zeros (−0·1 vs +0), which no sum can see. */
static void grad_pre(const float *restrict dy, const float *restrict y, float *restrict dpre, float *restrict db,
                     int64_t batch, int64_t out, int relu) {
  for (int64_t j = 0; j < out; j++) db[j] = 0;
  for (int64_t r = 0; r < batch; r++) {
    const float *restrict g = dy + r * out;
    if (relu) {
      const float *restrict yr = y + r * out;
      float *restrict d = dpre + r * out;
      int64_t j = 0;
#ifdef __SSE2__
      const __m128 zero = _mm_setzero_ps();
      for (; j + 4 <= out; j += 4) {
        const __m128 v = _mm_and_ps(_mm_loadu_ps(g + j), _mm_cmpgt_ps(_mm_loadu_ps(yr + j), zero));
        _mm_storeu_ps(d + j, v);
        _mm_storeu_ps(db + j, _mm_add_ps(_mm_loadu_ps(db + j), v));
      }
#endif
      for (; j < out; j++) {
        const float v = yr[j] > 0 ? g[j] : 0.0f;
        d[j] = v;
        db[j] += v;
      }
    } else {
      for (int64_t j = 0; j < out; j++) db[j] += g[j];
    }
  }
}

/*
 * denseGradPre(mem, dy, y, dPre, db, batch, out, relu): the parts of a dense layer's gradient that
 * need no product: dPre = relu ? dy·[y > 0] : (not written), db = Σ_rows dPre.
 */
static napi_value DenseGradPre(napi_env env, napi_callback_info info) {
  Call c;
  if (!begin(&c, env, info, 8)) return NULL;
  int64_t batch = int_arg(&c, 5), out = int_arg(&c, 6);
  int relu = (int)int_arg(&c, 7);
  const float *dy = floats(&c, int_arg(&c, 1), batch * out);
  const float *y = relu ? floats(&c, int_arg(&c, 2), batch * out) : NULL;
  float *dpre = relu ? floats(&c, int_arg(&c, 3), batch * out) : NULL;
  float *db = floats(&c, int_arg(&c, 4), out);
  if (c.failed) return NULL;
  grad_pre(dy, y, dpre, db, batch, out, relu);
  return undefined(env);
}

/*
 * adam(mem, w, g, m, v, out, n, b1, 1−b1, b2, 1−b2, c1, c2, lr, eps): one Adam step over n weights,
 * the float32 operations of tf.train.adam in its order; m and v in place, the new weights into out.
 */
static napi_value Adam(napi_env env, napi_callback_info info) {
  Call c;
  if (!begin(&c, env, info, 15)) return NULL;
  int64_t n = int_arg(&c, 6);
  const float *restrict w = floats(&c, int_arg(&c, 1), n);
  const float *restrict g = floats(&c, int_arg(&c, 2), n);
  float *restrict m = floats(&c, int_arg(&c, 3), n);
  float *restrict v = floats(&c, int_arg(&c, 4), n);
  float *restrict o = floats(&c, int_arg(&c, 5), n);
  const float b1 = float_arg(&c, 7), a1 = float_arg(&c, 8), b2 = float_arg(&c, 9), a2 = float_arg(&c, 10);
  const float c1 = float_arg(&c, 11), c2 = float_arg(&c, 12), lr = float_arg(&c, 13), eps = float_arg(&c, 14);
  if (c.failed) return NULL;
  for (int64_t i = 0; i < n; i++) {
    const float gi = g[i];
    const float mi = m[i] * b1 + gi * a1;
    const float vi = v[i] * b2 + (gi * gi) * a2;
    m[i] = mi;
    v[i] = vi;
    o[i] = w[i] - lr * ((mi / c1) / (sqrtf(vi / c2) + eps));
  }
  return undefined(env);
}

/* log1p(e) for e in [0, 1]: log(1 + e) corrected by e / ((1 + e) − 1) for the rounding of 1 + e
   (Goldberg's trick; ≤ 2e-7 relative error, measured over e^(−v), v in [0, 40]). glibc's log1pf
   took 1.5x as long as the whole rest of the loss here. */
static inline float log1p_unit(float e) {
  const float u = 1.0f + e;
  return u == 1.0f ? e : logf(u) * (e / (u - 1.0f));
}

#ifdef __SSE2__
/*
 * e^x and ln x for four floats at once: Cephes's single-precision polynomials (S. Moshier, "Methods and
 * Programs for Mathematical Functions", 1989), in the SSE2 form of J. Pommier's sse_mathfun.h.
 * About 1 ulp on the ranges used here; glibc's scalar expf/logf/log1pf made the Bernoulli loss ~3x
 * slower. exp_ps clamps x to [−87.3, 88.37] (no denormals, no infinity): e^−87.3 ≈ 1.2e−38 is far
 * below what any sum of these terms can see.
 */
static inline __m128 exp_ps(__m128 x) {
  const __m128 one = _mm_set1_ps(1.0f);
  x = _mm_min_ps(x, _mm_set1_ps(88.3762626647949f));
  x = _mm_max_ps(x, _mm_set1_ps(-87.3f));
  __m128 fx = _mm_add_ps(_mm_mul_ps(x, _mm_set1_ps(1.44269504088896341f)), _mm_set1_ps(0.5f));
  __m128 t = _mm_cvtepi32_ps(_mm_cvttps_epi32(fx));
  fx = _mm_sub_ps(t, _mm_and_ps(_mm_cmpgt_ps(t, fx), one)); /* floor */
  x = _mm_sub_ps(x, _mm_mul_ps(fx, _mm_set1_ps(0.693359375f)));
  x = _mm_sub_ps(x, _mm_mul_ps(fx, _mm_set1_ps(-2.12194440e-4f)));
  const __m128 z = _mm_mul_ps(x, x);
  __m128 y = _mm_set1_ps(1.9875691500E-4f);
  y = _mm_add_ps(_mm_mul_ps(y, x), _mm_set1_ps(1.3981999507E-3f));
  y = _mm_add_ps(_mm_mul_ps(y, x), _mm_set1_ps(8.3334519073E-3f));
  y = _mm_add_ps(_mm_mul_ps(y, x), _mm_set1_ps(4.1665795894E-2f));
  y = _mm_add_ps(_mm_mul_ps(y, x), _mm_set1_ps(1.6666665459E-1f));
  y = _mm_add_ps(_mm_mul_ps(y, x), _mm_set1_ps(5.0000001201E-1f));
  y = _mm_add_ps(_mm_add_ps(_mm_mul_ps(y, z), x), one);
  const __m128i n = _mm_slli_epi32(_mm_add_epi32(_mm_cvttps_epi32(fx), _mm_set1_epi32(0x7f)), 23);
  return _mm_mul_ps(y, _mm_castsi128_ps(n));
}

/* ln x for normal positive x. */
static inline __m128 log_ps(__m128 x) {
  const __m128 one = _mm_set1_ps(1.0f);
  __m128i emm0 = _mm_srli_epi32(_mm_castps_si128(x), 23);
  x = _mm_and_ps(x, _mm_castsi128_ps(_mm_set1_epi32(~0x7f800000)));
  x = _mm_or_ps(x, _mm_set1_ps(0.5f));
  emm0 = _mm_sub_epi32(emm0, _mm_set1_epi32(0x7f));
  __m128 e = _mm_add_ps(_mm_cvtepi32_ps(emm0), one);
  const __m128 mask = _mm_cmplt_ps(x, _mm_set1_ps(0.707106781186547524f));
  const __m128 tmp = _mm_and_ps(x, mask);
  x = _mm_sub_ps(x, one);
  e = _mm_sub_ps(e, _mm_and_ps(one, mask));
  x = _mm_add_ps(x, tmp);
  const __m128 z = _mm_mul_ps(x, x);
  __m128 y = _mm_set1_ps(7.0376836292E-2f);
  y = _mm_add_ps(_mm_mul_ps(y, x), _mm_set1_ps(-1.1514610310E-1f));
  y = _mm_add_ps(_mm_mul_ps(y, x), _mm_set1_ps(1.1676998740E-1f));
  y = _mm_add_ps(_mm_mul_ps(y, x), _mm_set1_ps(-1.2420140846E-1f));
  y = _mm_add_ps(_mm_mul_ps(y, x), _mm_set1_ps(1.4249322787E-1f));
  y = _mm_add_ps(_mm_mul_ps(y, x), _mm_set1_ps(-1.6668057665E-1f));
  y = _mm_add_ps(_mm_mul_ps(y, x), _mm_set1_ps(2.0000714765E-1f));
  y = _mm_add_ps(_mm_mul_ps(y, x), _mm_set1_ps(-2.4999993993E-1f));
  y = _mm_add_ps(_mm_mul_ps(y, x), _mm_set1_ps(3.3333331174E-1f));
  y = _mm_mul_ps(_mm_mul_ps(y, x), z);
  y = _mm_add_ps(y, _mm_mul_ps(e, _mm_set1_ps(-2.12194440e-4f)));
  y = _mm_sub_ps(y, _mm_mul_ps(z, _mm_set1_ps(0.5f)));
  x = _mm_add_ps(x, y);
  return _mm_add_ps(x, _mm_mul_ps(e, _mm_set1_ps(0.693359375f)));
}

/* log1p(e) for e in [0, 1], four at once, with the same correction as log1p_unit. */
static inline __m128 log1p_unit_ps(__m128 e) {
  const __m128 u = _mm_add_ps(_mm_set1_ps(1.0f), e);
  const __m128 d = _mm_sub_ps(u, _mm_set1_ps(1.0f));
  const __m128 exact = _mm_cmpeq_ps(d, _mm_setzero_ps()); /* 1 + e rounded to 1: log1p(e) = e */
  const __m128 safe = _mm_or_ps(_mm_and_ps(exact, _mm_set1_ps(1.0f)), _mm_andnot_ps(exact, d));
  const __m128 r = _mm_mul_ps(log_ps(u), _mm_div_ps(e, safe));
  return _mm_or_ps(_mm_and_ps(exact, e), _mm_andnot_ps(exact, r));
}
#endif

/*
 * bernoulliNll(mem, x, logits, out, rows, cols): out[r] = Σ_j max(l, 0) − l·x + log1p(e^(−|l|)), the
 * stable Bernoulli negative log-likelihood of src/vae/losses.ts (bernoulliNll), summed per row.
 */
static napi_value BernoulliNll(napi_env env, napi_callback_info info) {
  Call c;
  if (!begin(&c, env, info, 6)) return NULL;
  int64_t rows = int_arg(&c, 4), cols = int_arg(&c, 5);
  const float *restrict x = floats(&c, int_arg(&c, 1), rows * cols);
  const float *restrict l = floats(&c, int_arg(&c, 2), rows * cols);
  float *restrict out = floats(&c, int_arg(&c, 3), rows);
  if (c.failed) return NULL;
  for (int64_t r = 0; r < rows; r++) {
    const float *restrict xr = x + r * cols, *restrict lr = l + r * cols;
    float sum = 0;
    int64_t j = 0;
#ifdef __SSE2__
    const __m128 zero = _mm_setzero_ps(), sign = _mm_set1_ps(-0.0f);
    __m128 acc = zero;
    for (; j + 4 <= cols; j += 4) {
      const __m128 v = _mm_loadu_ps(lr + j);
      const __m128 e = exp_ps(_mm_or_ps(v, sign)); /* e^(−|v|) */
      const __m128 term = _mm_add_ps(_mm_sub_ps(_mm_max_ps(zero, v), _mm_mul_ps(v, _mm_loadu_ps(xr + j))), log1p_unit_ps(e));
      acc = _mm_add_ps(acc, term);
    }
    float lanes[4];
    _mm_storeu_ps(lanes, acc);
    sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
#endif
    for (; j < cols; j++) {
      const float v = lr[j];
      sum += (v > 0 ? v : 0.0f) - v * xr[j] + log1p_unit(expf(-fabsf(v)));
    }
    out[r] = sum;
  }
  return undefined(env);
}

/*
 * bernoulliNllGrad(mem, dy, x, logits, dLogits, rows, cols): dLogits = (σ(l) − x)·dy[r], the gradient
 * of bernoulliNll's row sums; σ(l) = 1/(1 + e^(−l)) computed as in tfjs's sigmoid.
 */
static napi_value BernoulliNllGrad(napi_env env, napi_callback_info info) {
  Call c;
  if (!begin(&c, env, info, 7)) return NULL;
  int64_t rows = int_arg(&c, 5), cols = int_arg(&c, 6);
  const float *restrict dy = floats(&c, int_arg(&c, 1), rows);
  const float *restrict x = floats(&c, int_arg(&c, 2), rows * cols);
  const float *restrict l = floats(&c, int_arg(&c, 3), rows * cols);
  float *restrict dl = floats(&c, int_arg(&c, 4), rows * cols);
  if (c.failed) return NULL;
  for (int64_t r = 0; r < rows; r++) {
    const float g = dy[r];
    const float *restrict xr = x + r * cols, *restrict lr = l + r * cols;
    float *restrict d = dl + r * cols;
    int64_t j = 0;
#ifdef __SSE2__
    const __m128 one = _mm_set1_ps(1.0f), gv = _mm_set1_ps(g), sign = _mm_set1_ps(-0.0f);
    for (; j + 4 <= cols; j += 4) {
      const __m128 sig = _mm_div_ps(one, _mm_add_ps(one, exp_ps(_mm_xor_ps(_mm_loadu_ps(lr + j), sign))));
      _mm_storeu_ps(d + j, _mm_mul_ps(_mm_sub_ps(sig, _mm_loadu_ps(xr + j)), gv));
    }
#endif
    for (; j < cols; j++) d[j] = (1.0f / (1.0f + expf(-lr[j])) - xr[j]) * g;
  }
  return undefined(env);
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"load", NULL, Load, NULL, NULL, NULL, napi_default, NULL},
      {"info", NULL, Info, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, SetThreads, NULL, NULL, NULL, napi_default, NULL},
      {"gemm", NULL, Gemm, NULL, NULL, NULL, napi_default, NULL},
      {"denseGradPre", NULL, DenseGradPre, NULL, NULL, NULL, napi_default, NULL},
      {"adam", NULL, Adam, NULL, NULL, NULL, napi_default, NULL},
      {"bernoulliNll", NULL, BernoulliNll, NULL, NULL, NULL, napi_default, NULL},
      {"bernoulliNllGrad", NULL, BernoulliNllGrad, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
