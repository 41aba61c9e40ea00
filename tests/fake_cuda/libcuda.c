/* A fake CUDA driver (libcuda.so) for testing ferrumba's GPU plumbing on machines without
 * a GPU. "Device memory" is host memory (malloc), so pointers work on both sides as with
 * unified addressing; streams and events are bookkeeping; modules keep their PTX, whose
 * entry parameter list is parsed so that a launch can record the parameter bytes exactly
 * as the real driver would copy them. A few kernel names are "executed" in C:
 *   saxpy(out, a, x, y)   out[i] = a * x[i] + y[i] over 1-d arrays (float32 or float64,
 *                         by the PTX type of `a`), for i < min(n, threads); other
 *                         parameter lists named saxpy are only recorded
 *   fault(...)            the next synchronizing call fails with CUDA_ERROR_ILLEGAL_ADDRESS
 *                         (700), which sticks until cuDevicePrimaryCtxReset
 *   bad_ptx               cuModuleLoadDataEx rejects the module, with a JIT log
 *   heavy                 CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK is 256
 * Tests read the last launch through fake_* functions (ctypes). Only what ferrumba calls
 * is implemented. Build: cc -shared -fPIC -O1 -o libcuda.so libcuda.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int CUresult;
typedef int CUdevice;
typedef uint64_t CUdeviceptr;

enum { OK = 0, INVALID_VALUE = 1, OUT_OF_MEMORY = 2, NOT_INITIALIZED = 3, INVALID_DEVICE = 101,
       INVALID_CONTEXT = 201, INVALID_PTX = 218, INVALID_HANDLE = 400, NOT_FOUND = 500, NOT_READY = 600,
       ILLEGAL_ADDRESS = 700 };

#define MAX_DEVICES 4
#define MAX_PARAMS 256

struct ctx { int device; int active; };
struct param { int size; int align; char type[8]; };
struct module { char *ptx; };
struct func { struct module *mod; char name[128]; int nparams; struct param params[MAX_PARAMS]; int dyn_shared; };
struct event { double ms; int recorded; };

static int initialized, ndevices = 1;
static struct ctx contexts[MAX_DEVICES];
static __thread struct ctx *current;
static int sticky;          /* a sticky error of the (single) faulting context */
static int pending_fault;   /* reported at the next synchronizing call */
static long live_allocs, live_host_allocs, live_streams, live_events, live_modules, launches;
static int retain_count[MAX_DEVICES], resets[MAX_DEVICES];

/* The last launch. */
static unsigned last_grid[3], last_block[3], last_shared;
static uint64_t last_stream;
static char last_name[128];
static int last_nparams;
static unsigned char last_params[8192];
static int last_params_len;

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static CUresult guard(void) {
    if (!initialized) return NOT_INITIALIZED;
    if (!current || !current->active) return INVALID_CONTEXT;
    if (sticky) return sticky;
    return OK;
}

static CUresult sync_point(void) {
    CUresult r = guard();
    if (r) return r;
    if (pending_fault) { sticky = pending_fault; pending_fault = 0; return sticky; }
    return OK;
}

CUresult cuInit(unsigned flags) {
    const char *n = getenv("FAKE_CUDA_DEVICES");
    ndevices = n ? atoi(n) : 1;
    if (ndevices > MAX_DEVICES) ndevices = MAX_DEVICES;
    if (ndevices <= 0) return 100; /* CUDA_ERROR_NO_DEVICE */
    initialized = 1;
    for (int i = 0; i < MAX_DEVICES; i++) contexts[i].device = i;
    return OK;
}
CUresult cuDriverGetVersion(int *v) { *v = 12080; return OK; }
CUresult cuDeviceGetCount(int *n) { if (!initialized) return NOT_INITIALIZED; *n = ndevices; return OK; }
CUresult cuDeviceGet(CUdevice *d, int ordinal) {
    if (ordinal < 0 || ordinal >= ndevices) return INVALID_DEVICE;
    *d = ordinal; return OK;
}
CUresult cuDeviceGetName(char *name, int len, CUdevice d) { snprintf(name, len, "Fake GPU %d", d); return OK; }
CUresult cuDeviceGetPCIBusId(char *bus, int len, CUdevice d) { snprintf(bus, len, "0000:%02x:00.0", d + 1); return OK; }
CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice d) { *bytes = (size_t)8 << 30; return OK; }
CUresult cuDeviceGetAttribute(int *v, int attr, CUdevice d) {
    switch (attr) {
    case 1: *v = 1024; break;                 /* MAX_THREADS_PER_BLOCK */
    case 2: case 3: *v = 1024; break;         /* MAX_BLOCK_DIM_X/Y */
    case 4: *v = 64; break;                   /* MAX_BLOCK_DIM_Z */
    case 5: *v = 2147483647; break;           /* MAX_GRID_DIM_X */
    case 6: case 7: *v = 65535; break;
    case 8: *v = 49152; break;                /* MAX_SHARED_MEMORY_PER_BLOCK */
    case 10: *v = 32; break;                  /* WARP_SIZE */
    case 16: *v = 4; break;                   /* MULTIPROCESSOR_COUNT */
    case 19: *v = 1; break;                   /* CAN_MAP_HOST_MEMORY */
    case 41: *v = 1; break;                   /* UNIFIED_ADDRESSING */
    case 75: *v = 9; break;                   /* COMPUTE_CAPABILITY_MAJOR */
    case 76: *v = 0; break;
    case 97: *v = 232448; break;              /* MAX_SHARED_MEMORY_PER_BLOCK_OPTIN */
    default: *v = 0;
    }
    return OK;
}
CUresult cuDevicePrimaryCtxRetain(struct ctx **c, CUdevice d) {
    if (!initialized) return NOT_INITIALIZED;
    if (d < 0 || d >= ndevices) return INVALID_DEVICE;
    contexts[d].active = 1; retain_count[d]++;
    *c = &contexts[d];
    return OK;
}
CUresult cuDevicePrimaryCtxRelease_v2(CUdevice d) {
    if (retain_count[d] > 0 && --retain_count[d] == 0) contexts[d].active = 0;
    return OK;
}
CUresult cuDevicePrimaryCtxReset_v2(CUdevice d) {
    contexts[d].active = 0; resets[d]++;
    sticky = 0; pending_fault = 0;
    return OK;
}
CUresult cuCtxGetCurrent(struct ctx **c) { *c = current; return OK; }
CUresult cuCtxSetCurrent(struct ctx *c) { current = c; return OK; }
CUresult cuCtxSynchronize(void) { return sync_point(); }
CUresult cuMemGetInfo_v2(size_t *free_, size_t *total) { *free_ = (size_t)6 << 30; *total = (size_t)8 << 30; return guard(); }

CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t n) {
    CUresult r = guard(); if (r) return r;
    if (n == 0) return INVALID_VALUE;
    if (n > ((size_t)1 << 40)) return OUT_OF_MEMORY;
    void *m = malloc(n);
    if (!m) return OUT_OF_MEMORY;
    memset(m, 0xAB, n); /* like real device memory: not zeroed */
    *p = (CUdeviceptr)(uintptr_t)m; live_allocs++;
    return OK;
}
CUresult cuMemFree_v2(CUdeviceptr p) {
    CUresult r = sync_point(); if (r) return r;
    free((void *)(uintptr_t)p); live_allocs--;
    return OK;
}
CUresult cuMemHostAlloc(void **p, size_t n, unsigned flags) {
    CUresult r = guard(); if (r) return r;
    *p = calloc(1, n); live_host_allocs++;
    return *p ? OK : OUT_OF_MEMORY;
}
CUresult cuMemFreeHost(void *p) { free(p); live_host_allocs--; return OK; }
CUresult cuMemHostGetDevicePointer_v2(CUdeviceptr *d, void *p, unsigned flags) { *d = (CUdeviceptr)(uintptr_t)p; return guard(); }
CUresult cuMemsetD8_v2(CUdeviceptr d, unsigned char c, size_t n) {
    CUresult r = sync_point(); if (r) return r;
    memset((void *)(uintptr_t)d, c, n); return OK;
}
CUresult cuMemsetD8Async(CUdeviceptr d, unsigned char c, size_t n, void *s) { return cuMemsetD8_v2(d, c, n); }
CUresult cuMemcpyHtoD_v2(CUdeviceptr d, const void *h, size_t n) {
    CUresult r = sync_point(); if (r) return r;
    memcpy((void *)(uintptr_t)d, h, n); return OK;
}
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr d, const void *h, size_t n, void *s) { return cuMemcpyHtoD_v2(d, h, n); }
CUresult cuMemcpyDtoH_v2(void *h, CUdeviceptr d, size_t n) {
    CUresult r = sync_point(); if (r) return r;
    memcpy(h, (void *)(uintptr_t)d, n); return OK;
}
CUresult cuMemcpyDtoHAsync_v2(void *h, CUdeviceptr d, size_t n, void *s) { return cuMemcpyDtoH_v2(h, d, n); }
CUresult cuMemcpyDtoD_v2(CUdeviceptr a, CUdeviceptr b, size_t n) {
    CUresult r = sync_point(); if (r) return r;
    memmove((void *)(uintptr_t)a, (void *)(uintptr_t)b, n); return OK;
}
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr a, CUdeviceptr b, size_t n, void *s) { return cuMemcpyDtoD_v2(a, b, n); }

CUresult cuStreamCreate(void **s, unsigned flags) {
    CUresult r = guard(); if (r) return r;
    *s = malloc(16); live_streams++; return OK;
}
CUresult cuStreamDestroy_v2(void *s) { free(s); live_streams--; return OK; }
CUresult cuStreamSynchronize(void *s) { return sync_point(); }
CUresult cuStreamQuery(void *s) { CUresult r = sync_point(); return r ? r : OK; }
CUresult cuStreamWaitEvent(void *s, struct event *e, unsigned flags) { return guard(); }
CUresult cuEventCreate(struct event **e, unsigned flags) {
    CUresult r = guard(); if (r) return r;
    *e = calloc(1, sizeof(struct event)); live_events++; return OK;
}
CUresult cuEventDestroy_v2(struct event *e) { free(e); live_events--; return OK; }
CUresult cuEventRecord(struct event *e, void *s) {
    CUresult r = guard(); if (r) return r;
    e->ms = now_ms(); e->recorded = 1; return OK;
}
CUresult cuEventSynchronize(struct event *e) { return sync_point(); }
CUresult cuEventQuery(struct event *e) { CUresult r = guard(); return r ? r : (e->recorded ? OK : NOT_READY); }
CUresult cuEventElapsedTime(float *ms, struct event *a, struct event *b) {
    CUresult r = guard(); if (r) return r;
    if (!a->recorded || !b->recorded) return INVALID_HANDLE;
    *ms = (float)(b->ms - a->ms); return OK;
}

/* ---- modules: keep the PTX, parse an entry's parameter list ---- */

CUresult cuModuleLoadDataEx(struct module **m, const void *image, unsigned n, int *opts, void **vals) {
    CUresult r = guard(); if (r) return r;
    const char *ptx = image;
    if (strstr(ptx, ".entry bad_ptx(")) {
        for (unsigned i = 0; i < n; i++)
            if (opts[i] == 5) { /* CU_JIT_ERROR_LOG_BUFFER */
                size_t cap = 0;
                for (unsigned j = 0; j < n; j++) if (opts[j] == 6) cap = (size_t)(uintptr_t)vals[j];
                if (cap) snprintf((char *)vals[i], cap, "ptxas fatal   : fake error in bad_ptx, line 1");
            }
        return INVALID_PTX;
    }
    *m = calloc(1, sizeof(struct module));
    (*m)->ptx = strdup(ptx); live_modules++;
    return OK;
}
CUresult cuModuleUnload(struct module *m) { free(m->ptx); free(m); live_modules--; return OK; }

static int type_size(const char *t) {
    if (!strcmp(t, "u64") || !strcmp(t, "s64") || !strcmp(t, "f64") || !strcmp(t, "b64")) return 8;
    if (!strcmp(t, "u32") || !strcmp(t, "s32") || !strcmp(t, "f32") || !strcmp(t, "b32")) return 4;
    if (!strcmp(t, "u16") || !strcmp(t, "s16") || !strcmp(t, "b16")) return 2;
    return 1;
}

CUresult cuModuleGetFunction(struct func **f, struct module *m, const char *name) {
    CUresult r = guard(); if (r) return r;
    char pat[160];
    snprintf(pat, sizeof pat, ".entry %s(", name);
    const char *p = strstr(m->ptx, pat);
    if (!p) return NOT_FOUND;
    struct func *fn = calloc(1, sizeof(struct func));
    fn->mod = m;
    snprintf(fn->name, sizeof fn->name, "%s", name);
    const char *end = strchr(p, ')');
    p += strlen(pat);
    while (p && p < end) {
        const char *q = strstr(p, ".param");
        if (!q || q > end) break;
        q += 6;
        struct param *prm = &fn->params[fn->nparams++];
        prm->align = 0;
        while (*q == ' ' || *q == '\t') q++;
        if (!strncmp(q, ".align", 6)) {
            q += 6; prm->align = (int)strtol(q, (char **)&q, 10);
            while (*q == ' ' || *q == '\t') q++;
        }
        /* .u64 name  or  .b8 name[16] */
        q++; /* '.' */
        int k = 0;
        while (*q && *q != ' ' && *q != '\t' && k < 7) prm->type[k++] = *q++;
        prm->type[k] = 0;
        int size = type_size(prm->type);
        const char *line_end = strpbrk(q, ",)\n");
        const char *br = strchr(q, '[');
        if (br && br < line_end) size *= atoi(br + 1);
        prm->size = size;
        if (!prm->align) prm->align = type_size(prm->type);
        p = line_end;
    }
    *f = fn;
    return OK;
}

CUresult cuFuncGetAttribute(int *v, int attr, struct func *f) {
    switch (attr) {
    case 0: *v = strcmp(f->name, "heavy") ? 1024 : 256; break; /* MAX_THREADS_PER_BLOCK */
    case 1: *v = 0; break;                                        /* SHARED_SIZE_BYTES */
    case 4: *v = strcmp(f->name, "heavy") ? 16 : 200; break;     /* NUM_REGS */
    case 8: *v = f->dyn_shared ? f->dyn_shared : 49152; break;   /* MAX_DYNAMIC_SHARED_SIZE_BYTES */
    default: *v = 0;
    }
    return guard();
}
CUresult cuFuncSetAttribute(struct func *f, int attr, int v) {
    if (attr == 8) f->dyn_shared = v;
    return guard();
}

CUresult cuLaunchKernel(struct func *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shared, void *stream, void **params, void **extra) {
    CUresult r = guard(); if (r) return r;
    if (!params && f->nparams) return INVALID_VALUE;
    if ((unsigned long)bx * by * bz > (strcmp(f->name, "heavy") ? 1024u : 256u)) return 1; /* launch out of resources */
    launches++;
    last_grid[0] = gx; last_grid[1] = gy; last_grid[2] = gz;
    last_block[0] = bx; last_block[1] = by; last_block[2] = bz;
    last_shared = shared; last_stream = (uint64_t)(uintptr_t)stream;
    snprintf(last_name, sizeof last_name, "%s", f->name);
    last_nparams = f->nparams;
    int off = 0;
    int offsets[MAX_PARAMS];
    for (int i = 0; i < f->nparams; i++) {
        int a = f->params[i].align;
        off = (off + a - 1) / a * a;
        offsets[i] = off;
        if (off + f->params[i].size > (int)sizeof last_params) return INVALID_VALUE;
        memcpy(last_params + off, params[i], f->params[i].size);
        off += f->params[i].size;
    }
    last_params_len = off;
    if (!strcmp(f->name, "fault")) { pending_fault = ILLEGAL_ADDRESS; return OK; }
    if (!strcmp(f->name, "saxpy") && f->nparams == 16 && !strcmp(f->params[0].type, "u64") &&
        (!strcmp(f->params[5].type, "f32") || !strcmp(f->params[5].type, "f64"))) {
        /* out: params 0-4, a: 5, x: 6-10, y: 11-15 (meminfo, parent, data, shape, stride) */
#define P64(i) (*(int64_t *)(last_params + offsets[i]))
        int single = !strcmp(f->params[5].type, "f32");
        int64_t n = P64(3), threads = (int64_t)gx * bx;
        char *out = (char *)(uintptr_t)P64(2), *x = (char *)(uintptr_t)P64(8), *y = (char *)(uintptr_t)P64(13);
        int64_t so = P64(4), sx = P64(10), sy = P64(15);
        for (int64_t i = 0; i < n && i < threads; i++) {
            if (single) {
                float a = *(float *)(last_params + offsets[5]);
                *(float *)(out + i * so) = a * *(float *)(x + i * sx) + *(float *)(y + i * sy);
            } else {
                double a = *(double *)(last_params + offsets[5]);
                *(double *)(out + i * so) = a * *(double *)(x + i * sx) + *(double *)(y + i * sy);
            }
        }
    }
    return OK;
}

/* ---- errors ---- */

CUresult cuGetErrorName(CUresult e, const char **s) {
    switch (e) {
    case 0: *s = "CUDA_SUCCESS"; break;
    case 1: *s = "CUDA_ERROR_INVALID_VALUE"; break;
    case 2: *s = "CUDA_ERROR_OUT_OF_MEMORY"; break;
    case 3: *s = "CUDA_ERROR_NOT_INITIALIZED"; break;
    case 201: *s = "CUDA_ERROR_INVALID_CONTEXT"; break;
    case 218: *s = "CUDA_ERROR_INVALID_PTX"; break;
    case 400: *s = "CUDA_ERROR_INVALID_HANDLE"; break;
    case 700: *s = "CUDA_ERROR_ILLEGAL_ADDRESS"; break;
    default: return INVALID_VALUE;
    }
    return OK;
}
CUresult cuGetErrorString(CUresult e, const char **s) {
    switch (e) {
    case 218: *s = "a PTX JIT compilation failed"; break;
    case 700: *s = "an illegal memory access was encountered"; break;
    case 201: *s = "invalid device context"; break;
    default: *s = "fake driver error"; break;
    }
    return OK;
}

/* ---- for tests (ctypes) ---- */

int fake_last_launch(unsigned *dims /* grid[3], block[3], shared */, char *name, int cap) {
    for (int i = 0; i < 3; i++) { dims[i] = last_grid[i]; dims[3 + i] = last_block[i]; }
    dims[6] = last_shared;
    snprintf(name, cap, "%s", last_name);
    return last_nparams;
}
int fake_last_params(unsigned char *buf, int cap) {
    int n = last_params_len < cap ? last_params_len : cap;
    memcpy(buf, last_params, n);
    return last_params_len;
}
uint64_t fake_last_stream(void) { return last_stream; }
long fake_counter(const char *what) {
    if (!strcmp(what, "allocs")) return live_allocs;
    if (!strcmp(what, "host_allocs")) return live_host_allocs;
    if (!strcmp(what, "streams")) return live_streams;
    if (!strcmp(what, "events")) return live_events;
    if (!strcmp(what, "modules")) return live_modules;
    if (!strcmp(what, "launches")) return launches;
    if (!strcmp(what, "resets")) return resets[0];
    return -1;
}
