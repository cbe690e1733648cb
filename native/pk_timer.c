/* pk_timer.c: the clock and the timing loops. */
#include "pk.h"

#if defined(_WIN32)
#  include <windows.h>
#else
#  include <time.h>
#endif

/* Read-the-clock chunk: signals (Ctrl-C) are checked once per this many iterations. */
#define PK_CHUNK 65536

#if defined(_WIN32)
const char pk_clock_name[] = "QueryPerformanceCounter";

/* Ticks per second of QueryPerformanceCounter (fixed at boot). */
static int64_t pk_qpc_freq(void)
{
    static int64_t freq = 0;
    if (freq == 0) {
        LARGE_INTEGER f;
        QueryPerformanceFrequency(&f);
        freq = (int64_t)f.QuadPart;
    }
    return freq;
}

/* Current QueryPerformanceCounter reading in ns, split to avoid overflow. */
int64_t pk_clock_ns(void)
{
    LARGE_INTEGER t;
    int64_t freq = pk_qpc_freq();
    QueryPerformanceCounter(&t);
    return (t.QuadPart / freq) * 1000000000LL + (t.QuadPart % freq) * 1000000000LL / freq;
}

/* One tick of QueryPerformanceCounter in ns, rounded up. */
static int64_t pk_clock_res(void)
{
    int64_t freq = pk_qpc_freq();
    return (1000000000LL + freq - 1) / freq;
}
#else
#  if defined(CLOCK_MONOTONIC_RAW)
#    define PK_CLOCK CLOCK_MONOTONIC_RAW
const char pk_clock_name[] = "CLOCK_MONOTONIC_RAW";
#  else
#    define PK_CLOCK CLOCK_MONOTONIC
const char pk_clock_name[] = "CLOCK_MONOTONIC";
#  endif

/* Current reading of PK_CLOCK in ns. */
int64_t pk_clock_ns(void)
{
    struct timespec ts;
    clock_gettime(PK_CLOCK, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* clock_getres of PK_CLOCK in ns (at least 1). */
static int64_t pk_clock_res(void)
{
    struct timespec ts;
    if (clock_getres(PK_CLOCK, &ts) != 0)
        return 1;
    int64_t ns = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
    return ns > 0 ? ns : 1;
}
#endif

/* clock_ns(): the clock as a Python int. */
PyObject *pk_py_clock_ns(PyObject *module, PyObject *unused)
{
    return PyLong_FromLongLong(pk_clock_ns());
}

/* clock_resolution_ns(): the clock's resolution as a Python int. */
PyObject *pk_py_clock_resolution_ns(PyObject *module, PyObject *unused)
{
    return PyLong_FromLongLong(pk_clock_res());
}

/* Sets ValueError and returns -1 unless loops >= 1. */
int pk_check_loops(Py_ssize_t loops)
{
    if (loops < 1) {
        PyErr_Format(PyExc_ValueError, "loops must be >= 1, got %zd", loops);
        return -1;
    }
    return 0;
}

/* Calls func(*args) `loops` times between two clock reads; stores the ns in *elapsed.
   Returns 0, or -1 with the exception set if a call raised (or a signal handler did). */
int pk_call_loop(PyObject *func, PyObject *args, Py_ssize_t loops, int64_t *elapsed)
{
    PyObject *const *items = &PyTuple_GET_ITEM(args, 0);
    Py_ssize_t nargs = PyTuple_GET_SIZE(args);
    int64_t t0 = pk_clock_ns();
    for (Py_ssize_t left = loops; left > 0;) {
        Py_ssize_t n = left < PK_CHUNK ? left : PK_CHUNK;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *r = PyObject_Vectorcall(func, items, (size_t)nargs, NULL);
            if (r == NULL)
                return -1;
            Py_DECREF(r);
        }
        left -= n;
        if (left > 0 && PyErr_CheckSignals() < 0)
            return -1;
    }
    *elapsed = pk_clock_ns() - t0;
    return 0;
}

/* time_loop(func, args, loops): ns for `loops` calls of func(*args). */
PyObject *pk_py_time_loop(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"func", "args", "loops", NULL};
    PyObject *func, *fargs;
    Py_ssize_t loops;
    int64_t elapsed;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO!n:time_loop", kwlist, &func, &PyTuple_Type, &fargs,
                                     &loops))
        return NULL;
    if (pk_check_loops(loops) < 0 || pk_call_loop(func, fargs, loops, &elapsed) < 0)
        return NULL;
    return PyLong_FromLongLong(elapsed);
}

/* empty_loop(loops): ns for the loop of pk_call_loop with the call replaced by a compiler barrier. */
PyObject *pk_py_empty_loop(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"loops", NULL};
    Py_ssize_t loops;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "n:empty_loop", kwlist, &loops))
        return NULL;
    if (pk_check_loops(loops) < 0)
        return NULL;
    int64_t t0 = pk_clock_ns();
    for (Py_ssize_t left = loops; left > 0;) {
        Py_ssize_t n = left < PK_CHUNK ? left : PK_CHUNK;
        for (Py_ssize_t i = 0; i < n; i++)
            PK_BARRIER(i);
        left -= n;
        if (left > 0 && PyErr_CheckSignals() < 0)
            return NULL;
    }
    return PyLong_FromLongLong(pk_clock_ns() - t0);
}
