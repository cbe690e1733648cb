/* pk.h: declarations shared by the pk_*.c files of perfkit._native. */
#ifndef PK_H
#define PK_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

/* Perf events exist only on Linux, and only where the kernel header is installed. */
#if defined(__linux__)
#  if defined(__has_include)
#    if __has_include(<linux/perf_event.h>)
#      define PK_HAVE_PERF_EVENTS 1
#    endif
#  else
#    define PK_HAVE_PERF_EVENTS 1
#  endif
#endif
#ifndef PK_HAVE_PERF_EVENTS
#  define PK_HAVE_PERF_EVENTS 0
#endif

/* A compiler barrier on loop variable var: keeps an empty loop body from being optimised away or
   unrolled, so the loop still pays one increment, compare and branch per iteration. */
#if defined(_MSC_VER)
#  include <intrin.h>
#  define PK_BARRIER(var) _ReadWriteBarrier()
#else
#  define PK_BARRIER(var) __asm__ volatile("" : "+r"(var) : : "memory")
#endif

/* pk_timer.c */
extern const char pk_clock_name[];
int64_t pk_clock_ns(void);
int pk_check_loops(Py_ssize_t loops);
int pk_call_loop(PyObject *func, PyObject *args, Py_ssize_t loops, int64_t *elapsed);
PyObject *pk_py_clock_ns(PyObject *module, PyObject *unused);
PyObject *pk_py_clock_resolution_ns(PyObject *module, PyObject *unused);
PyObject *pk_py_time_loop(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *pk_py_empty_loop(PyObject *module, PyObject *args, PyObject *kwargs);

/* pk_counters.c */
int pk_counters_init(PyObject *module);
PyObject *pk_py_perf_open(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *pk_py_perf_close(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *pk_py_counted_loop(PyObject *module, PyObject *args, PyObject *kwargs);

/* pk_cost.c */
int pk_cost_init(PyObject *module);
PyObject *pk_py_cost_call(PyObject *module, PyObject *args, PyObject *kwargs);

#endif /* PK_H */
