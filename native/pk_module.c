/* pk_module.c: the perfkit._native module: method table, docstrings and init. */
#include "pk.h"

PyDoc_STRVAR(pk_module_doc,
"perfkit's native core: a raw monotonic clock, timing loops, perf_event counters and a\n"
"deterministic cost counter. perfkit._native_py is the pure-Python twin with the same API.");

PyDoc_STRVAR(pk_clock_ns_doc,
"clock_ns($module, /)\n--\n\n"
"Current reading of the clock named by CLOCK_NAME, in ns.");

PyDoc_STRVAR(pk_clock_resolution_ns_doc,
"clock_resolution_ns($module, /)\n--\n\n"
"Resolution of the clock in ns (clock_getres; one QueryPerformanceCounter tick on Windows).");

PyDoc_STRVAR(pk_time_loop_doc,
"time_loop($module, /, func, args, loops)\n--\n\n"
"Call func(*args) `loops` times between two clock reads and return the elapsed ns.\n\n"
"Results are discarded. If a call raises, the loop stops and the exception propagates.\n"
"args must be a tuple (TypeError); loops must be >= 1 (ValueError).");

PyDoc_STRVAR(pk_empty_loop_doc,
"empty_loop($module, /, loops)\n--\n\n"
"ns taken by the time_loop loop with the call replaced by nothing: the loop's own overhead.");

PyDoc_STRVAR(pk_perf_open_doc,
"perf_open($module, /, type, config)\n--\n\n"
"Open a disabled, user-space-only perf_event counter on the calling thread; return its fd.\n\n"
"type/config: TYPE_* and HW_*/SW_* constants. The counter reads (value, time_enabled, time_running).\n"
"Raises OSError(errno, strerror) on failure, OSError(ENOSYS) where perf events are not compiled in.");

PyDoc_STRVAR(pk_perf_close_doc,
"perf_close($module, /, fd)\n--\n\n"
"Close a counter opened by perf_open.");

PyDoc_STRVAR(pk_counted_loop_doc,
"counted_loop($module, /, fds, func, args, loops)\n--\n\n"
"Reset and enable the counters fds, run the time_loop loop, disable them and read them.\n\n"
"Returns (elapsed_ns, [(value, time_enabled, time_running), ...]): raw, unscaled values, the\n"
"times being those of this loop only (the kernel's RESET does not zero them; deltas are taken).\n"
"The counters are disabled even if the loop raises. With fds == () this works on every platform.");

PyDoc_STRVAR(pk_cost_call_doc,
"cost_call($module, /, func, args, kwargs=None, *, opcodes=False, limit=0)\n--\n\n"
"Call func(*args, **kwargs) under a C trace function and count what it executes.\n\n"
"Returns (lines, calls, opcodes, result, exc): 'line' events, 'call' events (Python frames\n"
"entered, generator resumptions included) and, if opcodes, 'opcode' events. If the call raised,\n"
"result is None and exc the exception; else exc is None. KeyboardInterrupt and SystemExit\n"
"propagate. If limit > 0, the line after the limit raises CostLimitExceeded, which comes back\n"
"as exc (even if the traced code caught it). The thread's previous trace function is restored.\n"
"Not reentrant: a nested cost_call raises RuntimeError.");

static PyMethodDef pk_methods[] = {
    {"clock_ns", pk_py_clock_ns, METH_NOARGS, pk_clock_ns_doc},
    {"clock_resolution_ns", pk_py_clock_resolution_ns, METH_NOARGS, pk_clock_resolution_ns_doc},
    {"time_loop", (PyCFunction)(void (*)(void))pk_py_time_loop, METH_VARARGS | METH_KEYWORDS, pk_time_loop_doc},
    {"empty_loop", (PyCFunction)(void (*)(void))pk_py_empty_loop, METH_VARARGS | METH_KEYWORDS,
     pk_empty_loop_doc},
    {"perf_open", (PyCFunction)(void (*)(void))pk_py_perf_open, METH_VARARGS | METH_KEYWORDS, pk_perf_open_doc},
    {"perf_close", (PyCFunction)(void (*)(void))pk_py_perf_close, METH_VARARGS | METH_KEYWORDS,
     pk_perf_close_doc},
    {"counted_loop", (PyCFunction)(void (*)(void))pk_py_counted_loop, METH_VARARGS | METH_KEYWORDS,
     pk_counted_loop_doc},
    {"cost_call", (PyCFunction)(void (*)(void))pk_py_cost_call, METH_VARARGS | METH_KEYWORDS, pk_cost_call_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef pk_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "perfkit._native",
    .m_doc = pk_module_doc,
    .m_size = -1,
    .m_methods = pk_methods,
};

/* Creates the module and adds its constants and exception. */
PyMODINIT_FUNC PyInit__native(void)
{
    PyObject *m = PyModule_Create(&pk_module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddStringConstant(m, "CLOCK_NAME", pk_clock_name) < 0 || pk_counters_init(m) < 0
        || pk_cost_init(m) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
