// Counts the heap allocations of each thread, for benchmarks that must show that a hot call
// allocates nothing (tracker-bench). Preload it:
//
//   gcc -O2 -shared -fPIC -o .build/libmalloc-count.so Benchmarks/MallocCount/malloc_count.c
//   LD_PRELOAD=$PWD/.build/libmalloc-count.so .build/release/tracker-bench
//
// and read the calling thread's count with `track_thread_allocations()` (found with dlsym).
// It forwards to glibc's own entry points, so it needs no dlsym of its own while allocating.
#include <stddef.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static __thread unsigned long long allocations __attribute__((tls_model("initial-exec")));

unsigned long long track_thread_allocations(void) { return allocations; }

void *malloc(size_t size) { allocations++; return __libc_malloc(size); }
void *calloc(size_t count, size_t size) { allocations++; return __libc_calloc(count, size); }
void *realloc(void *pointer, size_t size) { allocations++; return __libc_realloc(pointer, size); }
void *memalign(size_t alignment, size_t size) { allocations++; return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { allocations++; return __libc_memalign(alignment, size); }
int posix_memalign(void **out, size_t alignment, size_t size) {
    allocations++;
    void *pointer = __libc_memalign(alignment, size);
    if (!pointer) return 12; /* ENOMEM */
    *out = pointer;
    return 0;
}
