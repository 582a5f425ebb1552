/*
 * vae-lab's native fast path: a Node-API addon that runs the training step's heavy arithmetic on
 * the CPU's own vector units, directly on the tfjs WASM backend's memory (zero copy).
 *
 * - Matrix products go to OpenBLAS's cblas_sgemm (AVX-512/AVX2 kernels), loaded at run time with
 *   dlopen, so no -dev package is needed to build, and the addon loads (and says why it is off)
 *   where OpenBLAS is missing.
 * - Convolutions (conv2d, and its input and filter gradients, NHWC) are the same sgemm on patch
 *   matrices: im2col before the product, col2im after it.
 * - Big products (and the Adam update) are shared with a second core by our own small thread pool
 *   (gemm_shared, parallel_parts).
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
#include <stdlib.h>
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

#define MAX_ARGS 24

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

/* Reads a call's one integer argument into *n (left as it is when absent); 0 after a JS error. */
static int int_argument(napi_env env, napi_callback_info info, int32_t *n) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok ||
      (argc >= 1 && napi_get_value_int32(env, argv[0], n) != napi_ok)) {
    napi_throw_type_error(env, NULL, "vae-lab native: expected an integer argument");
    return 0;
  }
  return 1;
}

/* setThreads(n): OpenBLAS's thread count (no-op for other BLAS libraries). */
static napi_value SetThreads(napi_env env, napi_callback_info info) {
  int32_t n = 1;
  if (!int_argument(env, info, &n)) return NULL;
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

/* ==== Sharing work with a second core ======================================================== */
/*
 * A small pool of persistent worker threads (setWorkers), used for the big matrix products and the
 * Adam update. OpenBLAS itself stays at one thread: its own workers spin for ~0.1 s after every
 * call (THREAD_TIMEOUT), which on a 2-core machine took the core V8's garbage collector and
 * compiler needed between the products (measured: a step 8.9 → 7.8 ms wall but 11.3 → 15.4 ms CPU).
 *
 * A job is cut into parts that every thread claims in turn from one atomic counter, the caller
 * included, and the caller returns when every part is done. A worker that is asleep, or descheduled
 * because the other core is busy, simply claims nothing: the caller does the parts itself, so a
 * busy machine costs at most the one part a worker already holds. Workers spin for SPIN_NS after a
 * job (the next product of a step is usually microseconds away), then sleep on a condition variable.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#else
#define cpu_relax() ((void)0)
#endif

#define MAX_WORKERS 7
#define STARVED_SLACK_NS 100000
#define SOLO_NS 20000000
#define SPIN_NS 50000 /* 2 µs, 50 µs and 300 µs measured alike for a step's wall time; 300 µs cost CPU */

typedef void (*part_fn)(const void *job, int part);

static struct {
  pthread_t threads[MAX_WORKERS];
  int started; /* workers running */
  int wanted;  /* workers that share jobs (setWorkers(n) → n − 1) */
  pthread_mutex_t lock;
  pthread_cond_t wake;
  atomic_uint_fast64_t claim; /* CLAIM_WORD(job number, parts) + next part */
  atomic_int done;            /* parts finished of the current job */
  atomic_int sleepers;
  atomic_flag posting; /* one poster at a time (a second JS thread runs its job alone) */
  _Atomic(part_fn) fn;
  _Atomic(const void *) job;
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER, .posting = ATOMIC_FLAG_INIT};

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/*
 * The claim word holds (job number << 32) | (parts << 16) | next part: a job's part count travels in
 * the same atomic word as its number, so a thread can never pair one job's number with another job's
 * count (the pool's fields for the next job are written while a slow worker may still be reading).
 */
#define CLAIM_WORD(number, parts) (((uint_fast64_t)(number) << 32) | ((uint_fast64_t)(parts) << 16))
#define MAX_PARTS 0xffff

/* The next unclaimed part of job `number`, or −1 when that job is over or fully claimed. */
static int claim_part(uint64_t number) {
  uint_fast64_t s = atomic_load(&pool.claim);
  for (;;) {
    if ((s >> 32) != number || (int)(s & 0xffffu) >= (int)((s >> 16) & 0xffffu)) return -1;
    if (atomic_compare_exchange_weak(&pool.claim, &s, s + 1)) return (int)(s & 0xffffu);
  }
}

/* Claims and runs parts of job `number` until none is left. fn and job are read after each claim:
   the part just claimed is not done, so its poster is still waiting and has not posted another job. */
static void run_parts(uint64_t number) {
  int p;
  while ((p = claim_part(number)) >= 0) {
    atomic_load(&pool.fn)(atomic_load(&pool.job), p);
    atomic_fetch_add(&pool.done, 1);
  }
}

static void *worker_main(void *arg) {
  (void)arg;
  uint64_t seen = atomic_load(&pool.claim) >> 32;
  for (;;) {
    const uint64_t idle_since = now_ns();
    uint64_t number;
    for (unsigned spins = 0;; spins++) {
      number = atomic_load(&pool.claim) >> 32;
      if (number != seen) break;
      cpu_relax();
      if ((spins & 63) == 63 && now_ns() - idle_since > SPIN_NS) {
        pthread_mutex_lock(&pool.lock);
        atomic_fetch_add(&pool.sleepers, 1);
        while ((number = atomic_load(&pool.claim) >> 32) == seen) pthread_cond_wait(&pool.wake, &pool.lock);
        atomic_fetch_sub(&pool.sleepers, 1);
        pthread_mutex_unlock(&pool.lock);
        break;
      }
    }
    run_parts(number);
    seen = number;
  }
  return NULL;
}

/* Until then the caller runs jobs alone: a worker was descheduled while holding a part. */
static uint64_t solo_until = 0;

/* Runs fn(job, 0 … parts − 1) on the caller and the workers; returns when all are done. */
static void parallel_parts(part_fn fn, const void *job, int parts) {
  if (pool.wanted == 0 || parts <= 1 || parts > MAX_PARTS || now_ns() < solo_until || atomic_flag_test_and_set(&pool.posting)) {
    for (int p = 0; p < parts; p++) fn(job, p); /* alone (or another JS thread is posting) */
    return;
  }
  atomic_store(&pool.fn, fn);
  atomic_store(&pool.job, job);
  atomic_store(&pool.done, 0);
  /* Job numbers wrap at 32 bits, as the claim word holds them. */
  const uint64_t number = ((atomic_load(&pool.claim) >> 32) + 1) & 0xffffffffu;
  atomic_store(&pool.claim, CLAIM_WORD(number, parts));
  if (atomic_load(&pool.sleepers) > 0) {
    pthread_mutex_lock(&pool.lock);
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);
  }
  const uint64_t t0 = now_ns();
  run_parts(number);
  const uint64_t t1 = now_ns();
  for (unsigned spins = 0; atomic_load(&pool.done) < parts; spins++) {
    if (spins < 4096)
      cpu_relax();
    else
      sched_yield(); /* a worker holding a part was descheduled */
  }
  /* Waiting longer than our own share took (plus a wake-up's slack) means the other cores are
     busy: a worker's part then costs more than it saves, so run alone for a while. */
  const uint64_t t2 = now_ns();
  if (t2 - t1 > (t1 - t0) + STARVED_SLACK_NS) solo_until = t2 + SOLO_NS;
  atomic_flag_clear(&pool.posting);
}

/* How many threads share a job: the caller and the workers. */
static int pool_threads(void) { return pool.wanted + 1; }

/* setWorkers(n): n threads share big products and Adam (the caller and n − 1 workers); 1: none. Returns n in effect. */
static napi_value SetWorkers(napi_env env, napi_callback_info info) {
  int32_t n = 1;
  if (!int_argument(env, info, &n)) return NULL;
  int want = n - 1 < 0 ? 0 : n - 1 > MAX_WORKERS ? MAX_WORKERS : n - 1;
  pthread_mutex_lock(&pool.lock);
  while (pool.started < want) {
    if (pthread_create(&pool.threads[pool.started], NULL, worker_main, NULL) != 0) break;
    pthread_detach(pool.threads[pool.started]);
    pool.started++;
  }
  /* Extra workers are not stopped (they sleep once idle); they only stop being waited for. */
  pool.wanted = want < pool.started ? want : pool.started;
  pthread_mutex_unlock(&pool.lock);
  napi_value v;
  CHECK(napi_create_int32(env, pool_threads(), &v));
  return v;
}

/* Products below this many multiply-adds run on one thread (~15 µs at one core's peak). */
#define PARALLEL_MIN_MACS (1 << 20)
/* One band per thread: two per thread repacked the shared operand twice as often and measured
   slower ([128×784]·[784×400] 0.79 vs 0.65 ms on 2 threads). */
#define PARTS_PER_THREAD 1

typedef struct {
  int ta, tb, relu, split_n;
  int64_t m, n, k, step;
  const float *a, *b, *bias;
  float beta;
  float *c;
} GemmJob;

/* bias_relu over a [rows × cols] block of a matrix whose rows are `ld` apart. */
static void bias_relu_block(float *y, int64_t ld, const float *bias, int64_t rows, int64_t cols, int relu) {
  if (ld == cols) {
    bias_relu(y, bias, rows, cols, relu);
    return;
  }
  for (int64_t r = 0; r < rows; r++) bias_relu(y + r * ld, bias, 1, cols, relu);
}

/* Part `part` of C: a band of columns (split_n) or rows, each an independent sgemm. */
static void gemm_part(const void *p, int part) {
  const GemmJob *j = (const GemmJob *)p;
  const int64_t lo = part * j->step, end = j->split_n ? j->n : j->m;
  const int64_t hi = lo + j->step < end ? lo + j->step : end;
  if (lo >= hi) return;
  const int lda = j->ta ? (int)j->m : (int)j->k, ldb = j->tb ? (int)j->k : (int)j->n;
  if (j->split_n) {
    const float *b = j->tb ? j->b + lo * j->k : j->b + lo; /* op(B)[:, lo:hi] */
    sgemm(RowMajor, j->ta ? Trans : NoTrans, j->tb ? Trans : NoTrans, (int)j->m, (int)(hi - lo), (int)j->k, 1.0f, j->a,
          lda, b, ldb, j->beta, j->c + lo, (int)j->n);
    if (j->bias || j->relu) bias_relu_block(j->c + lo, j->n, j->bias ? j->bias + lo : NULL, j->m, hi - lo, j->relu);
  } else {
    const float *a = j->ta ? j->a + lo : j->a + lo * j->k; /* op(A)[lo:hi, :] */
    sgemm(RowMajor, j->ta ? Trans : NoTrans, j->tb ? Trans : NoTrans, (int)(hi - lo), (int)j->n, (int)j->k, 1.0f, a, lda,
          j->b, ldb, j->beta, j->c + lo * j->n, (int)j->n);
    if (j->bias || j->relu) bias_relu(j->c + lo * j->n, j->bias, hi - lo, j->n, j->relu);
  }
}

/* C = act(op(A)·op(B) + beta·C + bias), shared by the pool's threads when it is big enough. */
static void gemm_shared(int ta, int tb, int64_t m, int64_t n, int64_t k, const float *a, const float *b, float beta,
                        float *c, const float *bias, int relu) {
  GemmJob j = {.ta = ta, .tb = tb, .relu = relu, .m = m, .n = n, .k = k, .a = a, .b = b, .bias = bias, .beta = beta, .c = c};
  const int threads = pool_threads();
  j.split_n = n >= m;
  const int64_t len = j.split_n ? n : m;
  int parts = threads > 1 && (double)m * (double)n * (double)k >= PARALLEL_MIN_MACS ? PARTS_PER_THREAD * threads : 1;
  /* Bands of a multiple of 16 (the SIMD kernels' width), at least 32 wide. */
  j.step = (((len + parts - 1) / parts) + 15) / 16 * 16;
  if (j.step < 32) j.step = 32;
  parts = (int)((len + j.step - 1) / j.step);
  if (parts <= 1) {
    j.step = len;
    gemm_part(&j, 0);
    return;
  }
  parallel_parts(gemm_part, &j, parts);
}

typedef struct {
  const double *list; /* [w, g, m, v, out, n] byte offsets and sizes, per variable */
  int count, parts;
  int64_t total;
  uint8_t *base;
  float b1, a1, b2, a2, c1, c2, lr, eps;
} AdamJob;

static void adam_range(const AdamJob *j, float *restrict w, float *restrict g, float *restrict m, float *restrict v,
                       float *restrict o, int64_t lo, int64_t hi) {
  for (int64_t i = lo; i < hi; i++) {
    const float gi = g[i];
    const float mi = m[i] * j->b1 + gi * j->a1;
    const float vi = v[i] * j->b2 + (gi * gi) * j->a2;
    m[i] = mi;
    v[i] = vi;
    o[i] = w[i] - j->lr * ((mi / j->c1) / (sqrtf(vi / j->c2) + j->eps));
  }
}

/* Part `part` of the concatenation of every variable's elements: the same operations per element. */
static void adam_part(const void *p, int part) {
  const AdamJob *j = (const AdamJob *)p;
  const int64_t lo = j->total * part / j->parts, hi = j->total * (part + 1) / j->parts;
  int64_t start = 0;
  for (int i = 0; i < j->count && start < hi; i++) {
    const double *e = j->list + 6 * i;
    const int64_t n = (int64_t)e[5], from = lo > start ? lo - start : 0, to = hi - start < n ? hi - start : n;
    if (from < to) {
      float *f[5];
      for (int t = 0; t < 5; t++) f[t] = (float *)(j->base + (int64_t)e[t]);
      adam_range(j, f[0], f[1], f[2], f[3], f[4], from, to);
    }
    start += n;
  }
}

/*
 * adamAll(mem, list, b1, 1−b1, b2, 1−b2, c1, c2, lr, eps): one Adam step over every variable, list a
 * Float64Array of [w, g, m, v, out, n] per variable (byte offsets, element count); the float32
 * operations of tf.train.adam in its order (as adam), shared by the pool's threads.
 */
static napi_value AdamAll(napi_env env, napi_callback_info info) {
  Call c;
  if (!begin(&c, env, info, 10)) return NULL;
  bool typed = false;
  napi_is_typedarray(env, c.argv[1], &typed);
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (!typed || napi_get_typedarray_info(env, c.argv[1], &type, &length, &data, NULL, NULL) != napi_ok ||
      type != napi_float64_array || length % 6 != 0) {
    fail(&c, "vae-lab native: adamAll's list must be a Float64Array of [w, g, m, v, out, n] per variable");
    return NULL;
  }
  AdamJob j = {.list = (const double *)data, .count = (int)(length / 6), .base = c.base};
  for (int i = 0; i < j.count; i++) {
    const double *e = j.list + 6 * i;
    for (int t = 0; t < 5; t++) floats(&c, (int64_t)e[t], (int64_t)e[5]); /* bounds checks */
    j.total += (int64_t)e[5];
  }
  j.b1 = float_arg(&c, 2), j.a1 = float_arg(&c, 3), j.b2 = float_arg(&c, 4), j.a2 = float_arg(&c, 5);
  j.c1 = float_arg(&c, 6), j.c2 = float_arg(&c, 7), j.lr = float_arg(&c, 8), j.eps = float_arg(&c, 9);
  if (c.failed) return NULL;
  /* Memory-bound (7 streams): worth a second thread from ~64 K weights. */
  j.parts = pool_threads() > 1 && j.total >= (1 << 16) ? PARTS_PER_THREAD * pool_threads() : 1;
  parallel_parts(adam_part, &j, j.parts);
  return undefined(env);
}
/* ==== end of the shared-work block ============================================================ */

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
    gemm_shared(ta, tb, m, n, k, a, b, beta, out, bias, relu); /* bias and ReLU too, per part */
    return undefined(env);
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

/* ===== The fused ELBO and reparameterisation (src/engine/fusedElbo.ts, fusedReparameterize.ts) ===== */

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define VL_AVX2 __attribute__((target("avx2,fma")))
#define VL_HAVE_AVX2_CODE 1

/* Whether this CPU runs the AVX2 + FMA code below (asked once); the SSE2 code above otherwise. */
static int cpu_has_avx2(void) {
  static int known = -1;
  if (known < 0) {
    __builtin_cpu_init();
    known = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  return known;
}

/*
 * e^x and ln x for eight floats: the same Cephes polynomials as exp_ps / log_ps, with fused
 * multiply-adds (half the instructions and latency of the SSE2 form; the losses are compared with
 * tolerances, never bit for bit). The clamps keep a NaN (min/max return their second operand when
 * either is NaN), so a NaN logit gives a NaN loss and gradient, as tensor ops do.
 */
static VL_AVX2 inline __m256 exp256(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  x = _mm256_min_ps(_mm256_set1_ps(88.3762626647949f), x);
  x = _mm256_max_ps(_mm256_set1_ps(-87.3f), x);
  const __m256 fx = _mm256_floor_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f)));
  x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
  x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
  __m256 y = _mm256_set1_ps(1.9875691500E-4f);
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507E-3f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073E-3f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894E-2f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459E-1f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201E-1f));
  y = _mm256_fmadd_ps(y, _mm256_mul_ps(x, x), _mm256_add_ps(x, one));
  const __m256i n = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvttps_epi32(fx), _mm256_set1_epi32(0x7f)), 23);
  return _mm256_mul_ps(y, _mm256_castsi256_ps(n));
}

/* ln x for normal positive x. */
static VL_AVX2 inline __m256 log256(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256i bits = _mm256_castps_si256(x);
  __m256 e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(0x7e)));
  x = _mm256_or_ps(_mm256_and_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(~0x7f800000))), _mm256_set1_ps(0.5f));
  const __m256 small = _mm256_cmp_ps(x, _mm256_set1_ps(0.707106781186547524f), _CMP_LT_OQ);
  x = _mm256_add_ps(_mm256_sub_ps(x, one), _mm256_and_ps(x, small)); /* m − 1, or 2m − 1 when m < √½ */
  e = _mm256_sub_ps(e, _mm256_and_ps(one, small));
  const __m256 z = _mm256_mul_ps(x, x);
  __m256 y = _mm256_set1_ps(7.0376836292E-2f);
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(-1.1514610310E-1f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.1676998740E-1f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(-1.2420140846E-1f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.4249322787E-1f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(-1.6668057665E-1f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(2.0000714765E-1f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(-2.4999993993E-1f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(3.3333331174E-1f));
  y = _mm256_mul_ps(_mm256_mul_ps(y, x), z);
  y = _mm256_fmadd_ps(e, _mm256_set1_ps(-2.12194440e-4f), y);
  y = _mm256_fnmadd_ps(z, _mm256_set1_ps(0.5f), y);
  return _mm256_fmadd_ps(e, _mm256_set1_ps(0.693359375f), _mm256_add_ps(x, y));
}

static VL_AVX2 inline float hsum256(__m256 v) {
  float lanes[8];
  _mm256_storeu_ps(lanes, v);
  return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

/*
 * Σ_j max(l, 0) − l·x + log1p(e^(−|l|)) over one row, eight pixels at a time. log1p(e) for
 * e = e^(−|l|) ∈ (0, 1] is ln u + (e − (u − 1))/u with u = 1 + e: e − (u − 1) is exactly the
 * rounding error of 1 + e (Sterbenz), and this first-order term restores it, so an approximate
 * reciprocal (rcp, 12 bits) suffices for a term below 2^−24 — no division in the loop.
 */
static VL_AVX2 float bernoulli_row_avx2(const float *restrict x, const float *restrict l, int64_t n) {
  const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f), sign = _mm256_set1_ps(-0.0f);
  __m256 acc0 = zero, acc1 = zero;
  int64_t j = 0;
  for (; j + 16 <= n; j += 16) {
    for (int h = 0; h < 2; h++) {
      const __m256 v = _mm256_loadu_ps(l + j + 8 * h);
      const __m256 e = exp256(_mm256_or_ps(v, sign));
      const __m256 u = _mm256_add_ps(one, e);
      const __m256 err = _mm256_sub_ps(e, _mm256_sub_ps(u, one));
      const __m256 softplus = _mm256_fmadd_ps(err, _mm256_rcp_ps(u), log256(u));
      const __m256 term = _mm256_add_ps(_mm256_fnmadd_ps(v, _mm256_loadu_ps(x + j + 8 * h), _mm256_max_ps(zero, v)), softplus);
      if (h == 0) acc0 = _mm256_add_ps(acc0, term);
      else acc1 = _mm256_add_ps(acc1, term);
    }
  }
  float sum = hsum256(_mm256_add_ps(acc0, acc1));
  for (; j < n; j++) {
    const float v = l[j];
    sum += (v > 0 ? v : 0.0f) - v * x[j] + log1p_unit(expf(-fabsf(v)));
  }
  return sum;
}

/* d[j] = (σ(l) − x)·g over one row; σ(l) = 1/(1 + e) for l ≥ 0 and e/(1 + e) below, e = e^(−|l|). */
static VL_AVX2 void bernoulli_grad_row_avx2(const float *restrict x, const float *restrict l, float *restrict d, int64_t n, float g) {
  const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f), sign = _mm256_set1_ps(-0.0f), gv = _mm256_set1_ps(g);
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) {
    const __m256 v = _mm256_loadu_ps(l + j);
    const __m256 e = exp256(_mm256_or_ps(v, sign));
    const __m256 r = _mm256_div_ps(one, _mm256_add_ps(one, e));
    const __m256 sig = _mm256_blendv_ps(_mm256_mul_ps(e, r), r, _mm256_cmp_ps(v, zero, _CMP_GE_OQ));
    _mm256_storeu_ps(d + j, _mm256_mul_ps(_mm256_sub_ps(sig, _mm256_loadu_ps(x + j)), gv));
  }
  for (; j < n; j++) d[j] = (1.0f / (1.0f + expf(-l[j])) - x[j]) * g;
}

/* Σ_j (x − out)² over one row. */
static VL_AVX2 float squared_row_avx2(const float *restrict x, const float *restrict o, int64_t n) {
  __m256 acc = _mm256_setzero_ps();
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) {
    const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(x + j), _mm256_loadu_ps(o + j));
    acc = _mm256_fmadd_ps(d, d, acc);
  }
  float sum = hsum256(acc);
  for (; j < n; j++) sum += (x[j] - o[j]) * (x[j] - o[j]);
  return sum;
}
#endif

/* The Bernoulli NLL of one row: AVX2 where the CPU has it, else four lanes of SSE2, else scalar. */
static float bernoulli_row(const float *restrict xr, const float *restrict lr, int64_t cols) {
#ifdef VL_HAVE_AVX2_CODE
  if (cpu_has_avx2()) return bernoulli_row_avx2(xr, lr, cols);
#endif
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
  return sum;
}

/* d = (σ(l) − x)·g over one row. */
static void bernoulli_grad_row(const float *restrict xr, const float *restrict lr, float *restrict d, int64_t cols, float g) {
#ifdef VL_HAVE_AVX2_CODE
  if (cpu_has_avx2()) {
    bernoulli_grad_row_avx2(xr, lr, d, cols, g);
    return;
  }
#endif
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

static float squared_row(const float *restrict x, const float *restrict o, int64_t n) {
#ifdef VL_HAVE_AVX2_CODE
  if (cpu_has_avx2()) return squared_row_avx2(x, o, n);
#endif
  float sum = 0;
  for (int64_t j = 0; j < n; j++) sum += (x[j] - o[j]) * (x[j] - o[j]);
  return sum;
}

/* The ELBO's arguments: sizes, the four inputs, and the reduction's divisors (as src/vae/losses.ts). */
typedef struct {
  int64_t rows, cols, latent;
  int bernoulli, sum;
  const float *x, *out, *mu, *logVar;
  double reconCount, klCount; /* recon = Σ / reconCount, kl = Σ / klCount */
} ElboArgs;

/* Reads rows, cols, latent, bernoulli, sum at argv[at…at+4] and the inputs at argv[1…4]. */
static int elbo_args(Call *c, size_t at, ElboArgs *a) {
  a->rows = int_arg(c, at);
  a->cols = int_arg(c, at + 1);
  a->latent = int_arg(c, at + 2);
  a->bernoulli = (int)int_arg(c, at + 3);
  a->sum = (int)int_arg(c, at + 4);
  a->x = floats(c, int_arg(c, 1), a->rows * a->cols);
  a->out = floats(c, int_arg(c, 2), a->rows * a->cols);
  a->mu = floats(c, int_arg(c, 3), a->rows * a->latent);
  a->logVar = floats(c, int_arg(c, 4), a->rows * a->latent);
  if (c->failed) return 0;
  if (a->rows <= 0 || a->cols <= 0 || a->latent <= 0) return fail(c, "vae-lab native: the ELBO needs at least one row, pixel and latent dimension");
  a->reconCount = a->sum ? (double)a->rows : (double)a->rows * (double)a->cols;
  a->klCount = a->sum ? (double)a->rows : (double)a->rows * (double)a->latent;
  return 1;
}

/*
 * elbo(mem, x, out, mu, logVar, total, recon, kl, rows, cols, latent, bernoulli, sum, beta): the
 * negative ELBO of src/vae/losses.ts `elbo` in one pass: recon (squared error or Bernoulli NLL of
 * out [rows × cols]), kl = ½(mu² + e^logVar − logVar − 1) over mu, logVar [rows × latent], each
 * divided as the reduction says ("sum": by rows; "mean": by every element), total = recon + β·kl.
 * Rows are summed in float32 lanes, the rows in double.
 */
static napi_value Elbo(napi_env env, napi_callback_info info) {
  Call c;
  ElboArgs a;
  if (!begin(&c, env, info, 14) || !elbo_args(&c, 8, &a)) return NULL;
  float *total = floats(&c, int_arg(&c, 5), 1), *recon = floats(&c, int_arg(&c, 6), 1), *kl = floats(&c, int_arg(&c, 7), 1);
  const float beta = float_arg(&c, 13);
  if (c.failed) return NULL;
  double rs = 0, ks = 0;
  for (int64_t r = 0; r < a.rows; r++) {
    const float *xr = a.x + r * a.cols, *orow = a.out + r * a.cols;
    rs += a.bernoulli ? bernoulli_row(xr, orow, a.cols) : squared_row(xr, orow, a.cols);
  }
  for (int64_t i = 0; i < a.rows * a.latent; i++) {
    const float m = a.mu[i], lv = a.logVar[i];
    ks += 0.5f * (((m * m + expf(lv)) - lv) - 1.0f);
  }
  *recon = (float)(rs / a.reconCount);
  *kl = (float)(ks / a.klCount);
  *total = *recon + beta * *kl;
  return undefined(env);
}

/*
 * elboGrad(mem, x, out, mu, logVar, dTotal, dRecon, dKl, dOut, dMu, dLogVar, rows, cols, latent,
 * bernoulli, sum, beta): the gradients of elbo's three outputs (weights dTotal, dRecon, dKl, scalars
 * in the memory) with respect to out, mu and logVar:
 *   dOut = (dTotal + dRecon)/reconCount · (2(out − x) | σ(out) − x),
 *   dMu = (β·dTotal + dKl)/klCount · mu,   dLogVar = (β·dTotal + dKl)/klCount · ½(e^logVar − 1).
 */
static napi_value ElboGrad(napi_env env, napi_callback_info info) {
  Call c;
  ElboArgs a;
  if (!begin(&c, env, info, 17) || !elbo_args(&c, 11, &a)) return NULL;
  const float *dTotal = floats(&c, int_arg(&c, 5), 1), *dRecon = floats(&c, int_arg(&c, 6), 1), *dKl = floats(&c, int_arg(&c, 7), 1);
  float *dOut = floats(&c, int_arg(&c, 8), a.rows * a.cols);
  float *dMu = floats(&c, int_arg(&c, 9), a.rows * a.latent), *dLogVar = floats(&c, int_arg(&c, 10), a.rows * a.latent);
  const float beta = float_arg(&c, 16);
  if (c.failed) return NULL;
  const float gRecon = (float)((double)(*dTotal + *dRecon) / a.reconCount);
  const float gKl = (float)((double)(beta * *dTotal + *dKl) / a.klCount);
  const int64_t n = a.rows * a.cols;
  if (a.bernoulli) {
    for (int64_t r = 0; r < a.rows; r++) bernoulli_grad_row(a.x + r * a.cols, a.out + r * a.cols, dOut + r * a.cols, a.cols, gRecon);
  } else {
    const float g2 = 2.0f * gRecon;
    for (int64_t i = 0; i < n; i++) dOut[i] = (a.out[i] - a.x[i]) * g2;
  }
  for (int64_t i = 0; i < a.rows * a.latent; i++) {
    dMu[i] = a.mu[i] * gKl;
    dLogVar[i] = 0.5f * (expf(a.logVar[i]) - 1.0f) * gKl;
  }
  return undefined(env);
}

/*
 * reparameterize(mem, mu, logVar, eps, z, n): z = mu + e^(½·logVar)·eps over n floats, the float32
 * operations of src/vae/reparameterize.ts in its order (expf is the same correctly rounded-in-practice
 * routine as the WASM backend's, so z is bit-identical there: src/engine/fusedReparameterize.test.ts).
 */
static napi_value Reparameterize(napi_env env, napi_callback_info info) {
  Call c;
  if (!begin(&c, env, info, 6)) return NULL;
  const int64_t n = int_arg(&c, 5);
  const float *restrict mu = floats(&c, int_arg(&c, 1), n), *restrict lv = floats(&c, int_arg(&c, 2), n);
  const float *restrict eps = floats(&c, int_arg(&c, 3), n);
  float *restrict z = floats(&c, int_arg(&c, 4), n);
  if (c.failed) return NULL;
  for (int64_t i = 0; i < n; i++) z[i] = mu[i] + expf(0.5f * lv[i]) * eps[i];
  return undefined(env);
}

/*
 * reparameterizeGrad(mem, dz, logVar, eps, dMu, dLogVar, n): dMu = dz, dLogVar = ((dz·eps)·sigma)·½,
 * the order of tfjs's Add, Mul and Exp gradients for the code above (bit-identical to them).
 */
static napi_value ReparameterizeGrad(napi_env env, napi_callback_info info) {
  Call c;
  if (!begin(&c, env, info, 7)) return NULL;
  const int64_t n = int_arg(&c, 6);
  const float *restrict dz = floats(&c, int_arg(&c, 1), n), *restrict lv = floats(&c, int_arg(&c, 2), n);
  const float *restrict eps = floats(&c, int_arg(&c, 3), n);
  float *restrict dMu = floats(&c, int_arg(&c, 4), n), *restrict dLv = floats(&c, int_arg(&c, 5), n);
  if (c.failed) return NULL;
  for (int64_t i = 0; i < n; i++) {
    dMu[i] = dz[i];
    dLv[i] = ((dz[i] * eps[i]) * expf(0.5f * lv[i])) * 0.5f;
  }
  return undefined(env);
}

/* ===== end of the fused ELBO and reparameterisation ===== */

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
  for (int64_t r = 0; r < rows; r++) out[r] = bernoulli_row(x + r * cols, l + r * cols, cols);
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
  for (int64_t r = 0; r < rows; r++) bernoulli_grad_row(x + r * cols, l + r * cols, dl + r * cols, cols, dy[r]);
  return undefined(env);
}

/*
 * Convolutions as matrix products (im2col; K. Chellapilla, S. Puri, P. Simard, "High Performance
 * Convolutional Neural Networks for Document Processing", 2006). NHWC throughout:
 *   x [B, H, W, Ci], filter [KH, KW, Ci, Co] (= a [KH·KW·Ci, Co] matrix), y [B, OH, OW, Co].
 * Row r = (b, oh, ow) of the patch matrix col [B·OH·OW, KH·KW·Ci] holds the window that output
 * pixel reads: col[r][(kh·KW + kw)·Ci + ci] = x[b, oh·sh + kh − top, ow·sw + kw − left, ci] (0
 * outside the image). Then
 *   forward         y  = col · W                 (M×K · K×Co)
 *   input gradient  dx = col2im(dy · Wᵀ)          (scatter-add of each row back onto its window)
 *   filter gradient dW = colᵀ · dy
 * For one (kh) the KW·Ci values of a row are contiguous in x when the whole window row is inside
 * the image, so im2col copies, and col2im adds, runs of KW·Ci floats.
 * The patch matrix is built for a block of rows at a time, in a buffer of our own (not in the
 * WASM heap), so that it stays in cache and large batches need no large buffer.
 */
typedef struct {
  int64_t b, h, w, ci, oh, ow, co, kh, kw, sh, sw, top, left;
} ConvGeom;

/* Reads the 13 geometry arguments starting at argv[first]; checks they describe a real convolution. */
static int conv_geom(Call *c, size_t first, ConvGeom *g) {
  int64_t *f[] = {&g->b, &g->h, &g->w, &g->ci, &g->oh, &g->ow, &g->co, &g->kh, &g->kw, &g->sh, &g->sw, &g->top, &g->left};
  for (size_t i = 0; i < 13; i++) *f[i] = int_arg(c, first + i);
  if (c->failed) return 0;
  for (size_t i = 0; i < 11; i++)
    if (*f[i] <= 0 && !(i == 0 || i == 4 || i == 5)) return fail(c, "vae-lab native: convolution sizes must be positive");
  if (g->b < 0 || g->oh < 0 || g->ow < 0 || g->top < 0 || g->left < 0) return fail(c, "vae-lab native: negative convolution size or padding");
  if (g->b * g->oh * g->ow > INT32_MAX || g->kh * g->kw * g->ci > INT32_MAX || g->co > INT32_MAX)
    return fail(c, "vae-lab native: convolution too large for BLAS's 32-bit sizes");
  return 1;
}

static float *scratch = NULL;
static size_t scratch_floats = 0;

/* A buffer of at least n floats, reused across calls (NULL and a JS error when out of memory). */
static float *scratch_for(Call *c, size_t n) {
  if (n > scratch_floats) {
    float *p = (float *)realloc(scratch, n * sizeof(float));
    if (!p) {
      fail(c, "vae-lab native: out of memory for a convolution's patch matrix");
      return NULL;
    }
    scratch = p;
    scratch_floats = n;
  }
  return scratch;
}

/* How many patch-matrix rows one block holds: about 2 MB of floats, at least one row. */
static int64_t block_rows(const ConvGeom *g) {
  const int64_t k = g->kh * g->kw * g->ci, m = g->b * g->oh * g->ow;
  int64_t rows = (512 * 1024) / (k > 0 ? k : 1);
  if (rows < 256) rows = 256;
  return rows < m ? rows : m;
}

/* col[r − r0] = the window of output pixel r, for rows r0 … r1 − 1. */
static void im2col(const float *restrict x, float *restrict col, const ConvGeom *g, int64_t r0, int64_t r1) {
  const int64_t kwci = g->kw * g->ci, k = g->kh * kwci;
  for (int64_t r = r0; r < r1; r++) {
    const int64_t b = r / (g->oh * g->ow), p = r % (g->oh * g->ow), oh = p / g->ow, ow = p % g->ow;
    float *restrict row = col + (r - r0) * k;
    const int64_t iw0 = ow * g->sw - g->left;
    for (int64_t kh = 0; kh < g->kh; kh++) {
      float *restrict seg = row + kh * kwci;
      const int64_t ih = oh * g->sh - g->top + kh;
      if (ih < 0 || ih >= g->h) {
        memset(seg, 0, (size_t)kwci * sizeof(float));
        continue;
      }
      const float *src = x + ((b * g->h + ih) * g->w) * g->ci;
      if (iw0 >= 0 && iw0 + g->kw <= g->w) {
        memcpy(seg, src + iw0 * g->ci, (size_t)kwci * sizeof(float));
        continue;
      }
      for (int64_t kw = 0; kw < g->kw; kw++) {
        const int64_t iw = iw0 + kw;
        if (iw < 0 || iw >= g->w) memset(seg + kw * g->ci, 0, (size_t)g->ci * sizeof(float));
        else memcpy(seg + kw * g->ci, src + iw * g->ci, (size_t)g->ci * sizeof(float));
      }
    }
  }
}

static inline void add_into(float *restrict dst, const float *restrict src, int64_t n) {
  for (int64_t i = 0; i < n; i++) dst[i] += src[i];
}

/* The adjoint of im2col: dx[window of r] += col[r − r0], for rows r0 … r1 − 1. */
static void col2im(const float *restrict col, float *restrict dx, const ConvGeom *g, int64_t r0, int64_t r1) {
  const int64_t kwci = g->kw * g->ci, k = g->kh * kwci;
  for (int64_t r = r0; r < r1; r++) {
    const int64_t b = r / (g->oh * g->ow), p = r % (g->oh * g->ow), oh = p / g->ow, ow = p % g->ow;
    const float *restrict row = col + (r - r0) * k;
    const int64_t iw0 = ow * g->sw - g->left;
    for (int64_t kh = 0; kh < g->kh; kh++) {
      const int64_t ih = oh * g->sh - g->top + kh;
      if (ih < 0 || ih >= g->h) continue;
      const float *restrict seg = row + kh * kwci;
      float *dst = dx + ((b * g->h + ih) * g->w) * g->ci;
      if (iw0 >= 0 && iw0 + g->kw <= g->w) {
        add_into(dst + iw0 * g->ci, seg, kwci);
        continue;
      }
      for (int64_t kw = 0; kw < g->kw; kw++) {
        const int64_t iw = iw0 + kw;
        if (iw >= 0 && iw < g->w) add_into(dst + iw * g->ci, seg + kw * g->ci, g->ci);
      }
    }
  }
}

/* A 1×1 stride-1 convolution without padding reads x itself as its patch matrix. */
static int is_pointwise(const ConvGeom *g) {
  return g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->top == 0 && g->left == 0 && g->oh == g->h && g->ow == g->w;
}

/* The tensors of a convolution call: x (or dx), the filter (or dW), y (or dy), each checked. */
static int conv_tensors(Call *c, const ConvGeom *g, int64_t at_x, int64_t at_w, int64_t at_y, float **x, float **w, float **y) {
  *x = floats(c, at_x, g->b * g->h * g->w * g->ci);
  *w = floats(c, at_w, g->kh * g->kw * g->ci * g->co);
  *y = floats(c, at_y, g->b * g->oh * g->ow * g->co);
  return !c->failed;
}

/* Reads a convolution call's arguments: want in all, the 13 geometry sizes from geom_at, and the
   offsets of x (or dx), the filter (or dW) and y (or dy) at argv[ix], argv[iw], argv[iy]. */
static int conv_begin(Call *c, napi_env env, napi_callback_info info, size_t want, size_t geom_at, size_t ix, size_t iw, size_t iy,
                      ConvGeom *g, float **x, float **w, float **y) {
  if (!begin(c, env, info, want) || !need_blas(c) || !conv_geom(c, geom_at, g)) return 0;
  return conv_tensors(c, g, int_arg(c, ix), int_arg(c, iw), int_arg(c, iy), x, w, y);
}

/*
 * conv2d(mem, x, filter, y, bias, relu, B, H, W, Ci, OH, OW, Co, KH, KW, sh, sw, top, left):
 * y = act(conv(x, filter) + bias), NHWC, dilation 1; bias [Co] (offset −1: none), relu 0/1.
 */
static napi_value Conv2d(napi_env env, napi_callback_info info) {
  Call c;
  ConvGeom g;
  float *x, *w, *y;
  if (!conv_begin(&c, env, info, 19, 6, 1, 2, 3, &g, &x, &w, &y)) return NULL;
  const int64_t bias_at = int_arg(&c, 4);
  const float *bias = bias_at < 0 ? NULL : floats(&c, bias_at, g.co);
  const int relu = (int)int_arg(&c, 5);
  if (c.failed) return NULL;
  const int64_t m = g.b * g.oh * g.ow, k = g.kh * g.kw * g.ci;
  if (m == 0) return undefined(env);
  if (is_pointwise(&g)) {
    gemm_shared(0, 0, m, g.co, k, x, w, 0.0f, y, NULL, 0);
  } else {
    const int64_t rows = block_rows(&g);
    float *col = scratch_for(&c, (size_t)(rows * k));
    if (!col) return NULL;
    for (int64_t r0 = 0; r0 < m; r0 += rows) {
      const int64_t r1 = r0 + rows < m ? r0 + rows : m;
      im2col(x, col, &g, r0, r1);
      gemm_shared(0, 0, r1 - r0, g.co, k, col, w, 0.0f, y + r0 * g.co, NULL, 0);
    }
  }
  if (bias || relu) bias_relu(y, bias, m, g.co, relu);
  return undefined(env);
}

/*
 * conv2dBackpropInput(mem, dy, filter, dx, B, H, W, Ci, OH, OW, Co, KH, KW, sh, sw, top, left):
 * dx [B, H, W, Ci] = the gradient of conv2d with respect to x, given dy [B, OH, OW, Co] (also the
 * forward pass of conv2dTranspose).
 */
static napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  Call c;
  ConvGeom g;
  float *dx, *w, *dy;
  if (!conv_begin(&c, env, info, 17, 4, 3, 2, 1, &g, &dx, &w, &dy)) return NULL;
  const int64_t m = g.b * g.oh * g.ow, k = g.kh * g.kw * g.ci;
  if (is_pointwise(&g)) {
    if (m > 0) gemm_shared(0, 1, m, k, g.co, dy, w, 0.0f, dx, NULL, 0);
    return undefined(env);
  }
  memset(dx, 0, (size_t)(g.b * g.h * g.w * g.ci) * sizeof(float));
  if (m == 0) return undefined(env);
  const int64_t rows = block_rows(&g);
  float *col = scratch_for(&c, (size_t)(rows * k));
  if (!col) return NULL;
  for (int64_t r0 = 0; r0 < m; r0 += rows) {
    const int64_t r1 = r0 + rows < m ? r0 + rows : m;
    gemm_shared(0, 1, r1 - r0, k, g.co, dy + r0 * g.co, w, 0.0f, col, NULL, 0);
    col2im(col, dx, &g, r0, r1);
  }
  return undefined(env);
}

/*
 * conv2dBackpropFilter(mem, x, dy, dW, B, H, W, Ci, OH, OW, Co, KH, KW, sh, sw, top, left):
 * dW [KH, KW, Ci, Co] = the gradient of conv2d with respect to its filter.
 */
static napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  Call c;
  ConvGeom g;
  float *x, *dw, *dy;
  if (!conv_begin(&c, env, info, 17, 4, 1, 3, 2, &g, &x, &dw, &dy)) return NULL;
  const int64_t m = g.b * g.oh * g.ow, k = g.kh * g.kw * g.ci;
  if (m == 0) {
    memset(dw, 0, (size_t)(k * g.co) * sizeof(float));
    return undefined(env);
  }
  if (is_pointwise(&g)) {
    gemm_shared(1, 0, k, g.co, m, x, dy, 0.0f, dw, NULL, 0);
    return undefined(env);
  }
  const int64_t rows = block_rows(&g);
  float *col = scratch_for(&c, (size_t)(rows * k));
  if (!col) return NULL;
  for (int64_t r0 = 0; r0 < m; r0 += rows) {
    const int64_t r1 = r0 + rows < m ? r0 + rows : m;
    im2col(x, col, &g, r0, r1);
    gemm_shared(1, 0, k, g.co, r1 - r0, col, dy + r0 * g.co, r0 == 0 ? 0.0f : 1.0f, dw, NULL, 0);
  }
  return undefined(env);
}

/*
 * sumRows(mem, x, out, rows, cols): out[j] = Σ_r x[r][j], the sum over every axis but the last
 * (a convolution's bias gradient: dy [B, H, W, C] → [C]). Blocks of 256 rows are summed first and
 * the block sums added after, so rounding grows with rows/256 + 256 instead of rows.
 */
static napi_value SumRows(napi_env env, napi_callback_info info) {
  Call c;
  if (!begin(&c, env, info, 5)) return NULL;
  const int64_t rows = int_arg(&c, 3), cols = int_arg(&c, 4);
  const float *restrict x = floats(&c, int_arg(&c, 1), rows * cols);
  float *restrict out = floats(&c, int_arg(&c, 2), cols);
  if (c.failed) return NULL;
  float *restrict part = scratch_for(&c, (size_t)(cols > 0 ? cols : 1));
  if (!part) return NULL;
  for (int64_t j = 0; j < cols; j++) out[j] = 0;
  for (int64_t r0 = 0; r0 < rows; r0 += 256) {
    const int64_t r1 = r0 + 256 < rows ? r0 + 256 : rows;
    for (int64_t j = 0; j < cols; j++) part[j] = 0;
    for (int64_t r = r0; r < r1; r++) add_into(part, x + r * cols, cols);
    add_into(out, part, cols);
  }
  return undefined(env);
}

/* biasRelu(mem, y, bias, rows, cols, relu): y = act(y + bias) in place, bias [cols] (−1: none). */
static napi_value BiasRelu(napi_env env, napi_callback_info info) {
  Call c;
  if (!begin(&c, env, info, 6)) return NULL;
  const int64_t rows = int_arg(&c, 3), cols = int_arg(&c, 4);
  float *y = floats(&c, int_arg(&c, 1), rows * cols);
  const int64_t bias_at = int_arg(&c, 2);
  const float *bias = bias_at < 0 ? NULL : floats(&c, bias_at, cols);
  const int relu = (int)int_arg(&c, 5);
  if (c.failed) return NULL;
  if (bias || relu) bias_relu(y, bias, rows, cols, relu);
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
      {"elbo", NULL, Elbo, NULL, NULL, NULL, napi_default, NULL},
      {"elboGrad", NULL, ElboGrad, NULL, NULL, NULL, napi_default, NULL},
      {"reparameterize", NULL, Reparameterize, NULL, NULL, NULL, napi_default, NULL},
      {"reparameterizeGrad", NULL, ReparameterizeGrad, NULL, NULL, NULL, napi_default, NULL},
      {"conv2d", NULL, Conv2d, NULL, NULL, NULL, napi_default, NULL},
      {"conv2dBackpropInput", NULL, Conv2dBackpropInput, NULL, NULL, NULL, napi_default, NULL},
      {"conv2dBackpropFilter", NULL, Conv2dBackpropFilter, NULL, NULL, NULL, napi_default, NULL},
      {"sumRows", NULL, SumRows, NULL, NULL, NULL, napi_default, NULL},
      {"biasRelu", NULL, BiasRelu, NULL, NULL, NULL, napi_default, NULL},
      {"setWorkers", NULL, SetWorkers, NULL, NULL, NULL, napi_default, NULL},
      {"adamAll", NULL, AdamAll, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
