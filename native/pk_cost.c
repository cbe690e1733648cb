/* pk_cost.c: deterministic execution cost (lines, calls, opcodes) through a C trace function. */
#include "pk.h"
#include <frameobject.h>

static PyObject *pk_CostLimitExceeded = NULL;
static PyObject *pk_str_f_trace = NULL;          /* interned "f_trace" */
static PyObject *pk_str_f_trace_opcodes = NULL;  /* interned "f_trace_opcodes" */

/* The tracer: the counters of one cost_call, installed as the thread's trace object. */
typedef struct {
    PyObject_HEAD
    long long lines;
    long long calls;
    long long opcodes;
    Py_ssize_t limit;  /* <= 0: no limit */
    int count_opcodes;
    int exceeded;      /* set once CostLimitExceeded was raised: later events are ignored */
} pk_tracer;

static PyTypeObject pk_tracer_type;

/* Raises CostLimitExceeded for tracer t; returns -1. */
static int pk_raise_limit(pk_tracer *t)
{
    t->exceeded = 1;
    PyErr_Format(pk_CostLimitExceeded, "line limit of %zd exceeded", t->limit);
    return -1;
}

/* Counts one event; the same rules serve the C trace function and the Python-level protocol. */
static int pk_tracer_event(pk_tracer *t, PyFrameObject *frame, int what)
{
    if (t->exceeded)
        return 0;
    switch (what) {
    case PyTrace_CALL:
        t->calls++;
        /* Give the frame an f_trace as sys.settrace does: then code that reinstalls sys.gettrace()
           keeps counting this frame's lines, and 3.12+ instruments the frame for opcode events. */
        if (PyObject_SetAttr((PyObject *)frame, pk_str_f_trace, (PyObject *)t) < 0)
            return -1;
        if (t->count_opcodes)
            return PyObject_SetAttr((PyObject *)frame, pk_str_f_trace_opcodes, Py_True);
        return 0;
    case PyTrace_LINE:
        t->lines++;
        if (t->limit > 0 && t->lines > t->limit)
            return pk_raise_limit(t);
        return 0;
    case PyTrace_OPCODE:
        if (t->count_opcodes)
            t->opcodes++;
        return 0;
    default:
        return 0;
    }
}

/* The C trace function given to PyEval_SetTrace; obj is the pk_tracer. */
static int pk_cost_trace(PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)
{
    return pk_tracer_event((pk_tracer *)obj, frame, what);
}

/* tracer(frame, event, arg): the sys.settrace protocol, so that traced code doing
   `old = sys.gettrace(); ...; sys.settrace(old)` keeps the counting going. */
static PyObject *pk_tracer_call(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static const char *names[] = {"call", "line", "opcode"};
    static const int whats[] = {PyTrace_CALL, PyTrace_LINE, PyTrace_OPCODE};
    PyObject *frame, *event, *arg;
    if (!PyArg_ParseTuple(args, "O!UO:tracer", &PyFrame_Type, &frame, &event, &arg))
        return NULL;
    for (int i = 0; i < 3; i++) {
        if (PyUnicode_CompareWithASCIIString(event, names[i]) == 0) {
            if (pk_tracer_event((pk_tracer *)self, (PyFrameObject *)frame, whats[i]) < 0)
                return NULL;
            break;
        }
    }
    return Py_NewRef(self);
}

static PyTypeObject pk_tracer_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "perfkit._native.CostTracer",
    .tp_basicsize = sizeof(pk_tracer),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_call = pk_tracer_call,
    .tp_doc = "The counters of one running cost_call (what sys.gettrace() returns during it).",
};

/* Takes the raised exception as a normalized instance with its traceback; NULL if none. */
static PyObject *pk_take_exception(void)
{
#if PY_VERSION_HEX >= 0x030C0000
    return PyErr_GetRaisedException();
#else
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    if (type == NULL)
        return NULL;
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb != NULL)
        PyException_SetTraceback(value, tb);
    Py_DECREF(type);
    Py_XDECREF(tb);
    return value;
#endif
}

/* Raises exception instance exc again (steals the reference). */
static void pk_reraise(PyObject *exc)
{
#if PY_VERSION_HEX >= 0x030C0000
    PyErr_SetRaisedException(exc);
#else
    PyErr_Restore(Py_NewRef((PyObject *)Py_TYPE(exc)), exc, PyException_GetTraceback(exc));
#endif
}

/* 3.12+ turns on opcode events at PyEval_SetTrace only once some frame had f_trace_opcodes set:
   set it on the caller's frame and put the old value back. Returns -1 with an exception on failure. */
static int pk_prime_opcode_tracing(void)
{
#if PY_VERSION_HEX >= 0x030C0000
    PyObject *frame = (PyObject *)PyEval_GetFrame();
    if (frame == NULL)
        return 0;
    PyObject *old = PyObject_GetAttr(frame, pk_str_f_trace_opcodes);
    if (old == NULL)
        return -1;
    int rc = PyObject_SetAttr(frame, pk_str_f_trace_opcodes, Py_True);
    if (rc == 0)
        rc = PyObject_SetAttr(frame, pk_str_f_trace_opcodes, old);
    Py_DECREF(old);
    return rc;
#else
    return 0;
#endif
}

/* True if the thread is inside a cost_call already (our tracer installed, natively or via sys.settrace). */
static int pk_cost_active(PyThreadState *tstate)
{
    return tstate->c_tracefunc == pk_cost_trace
           || (tstate->c_traceobj != NULL && Py_IS_TYPE(tstate->c_traceobj, &pk_tracer_type));
}

/* cost_call(func, args, kwargs=None, *, opcodes=False, limit=0): see the module docstrings. */
PyObject *pk_py_cost_call(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"func", "args", "kwargs", "opcodes", "limit", NULL};
    PyObject *func, *fargs, *fkwargs = Py_None, *result, *exc, *out;
    int opcodes = 0;
    Py_ssize_t limit = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO!|O$pn:cost_call", kwlist, &func, &PyTuple_Type, &fargs,
                                     &fkwargs, &opcodes, &limit))
        return NULL;
    if (fkwargs == Py_None) {
        fkwargs = NULL;
    } else if (!PyDict_Check(fkwargs)) {
        PyErr_Format(PyExc_TypeError, "kwargs must be a dict or None, not %.100s", Py_TYPE(fkwargs)->tp_name);
        return NULL;
    }
    PyThreadState *tstate = PyThreadState_Get();
    if (pk_cost_active(tstate)) {
        PyErr_SetString(PyExc_RuntimeError, "cost_call() is not reentrant");
        return NULL;
    }
    if (opcodes && pk_prime_opcode_tracing() < 0)
        return NULL;
    pk_tracer *tracer = PyObject_New(pk_tracer, &pk_tracer_type);
    if (tracer == NULL)
        return NULL;
    tracer->lines = tracer->calls = tracer->opcodes = 0;
    tracer->limit = limit;
    tracer->count_opcodes = opcodes;
    tracer->exceeded = 0;

    /* Save the thread's tracer (sys.settrace, coverage, a debugger), install ours, call, restore. */
    Py_tracefunc saved_func = tstate->c_tracefunc;
    PyObject *saved_obj = Py_XNewRef(tstate->c_traceobj);
    PyEval_SetTrace(pk_cost_trace, (PyObject *)tracer);
    if (tstate->c_tracefunc != pk_cost_trace) {
        PyEval_SetTrace(saved_func, saved_obj);
        Py_XDECREF(saved_obj);
        Py_DECREF(tracer);
        PyErr_SetString(PyExc_RuntimeError, "cost_call() could not install its trace function");
        return NULL;
    }
    result = PyObject_Call(func, fargs, fkwargs);
    exc = pk_take_exception();
    PyEval_SetTrace(saved_func, saved_obj);
    Py_XDECREF(saved_obj);

    if (exc != NULL && (PyErr_GivenExceptionMatches(exc, PyExc_KeyboardInterrupt)
                        || PyErr_GivenExceptionMatches(exc, PyExc_SystemExit))) {
        Py_DECREF(tracer);
        pk_reraise(exc);
        return NULL;
    }
    if (exc == NULL && tracer->exceeded) {
        /* The traced code swallowed CostLimitExceeded: still report the abort. */
        Py_CLEAR(result);
        exc = PyObject_CallFunction(pk_CostLimitExceeded, "s", "line limit exceeded (and the traced code caught it)");
        if (exc == NULL) {
            Py_DECREF(tracer);
            return NULL;
        }
    }
    out = Py_BuildValue("(LLLOO)", tracer->lines, tracer->calls, tracer->opcodes,
                        result != NULL ? result : Py_None, exc != NULL ? exc : Py_None);
    Py_XDECREF(result);
    Py_XDECREF(exc);
    Py_DECREF(tracer);
    return out;
}

/* Readies the tracer type and adds CostLimitExceeded to the module. */
int pk_cost_init(PyObject *module)
{
    if (PyType_Ready(&pk_tracer_type) < 0)
        return -1;
    pk_str_f_trace = PyUnicode_InternFromString("f_trace");
    pk_str_f_trace_opcodes = PyUnicode_InternFromString("f_trace_opcodes");
    if (pk_str_f_trace == NULL || pk_str_f_trace_opcodes == NULL)
        return -1;
    pk_CostLimitExceeded = PyErr_NewExceptionWithDoc(
        "perfkit._native.CostLimitExceeded",
        "Raised inside a cost_call() when the traced code runs more lines than its limit.", PyExc_Exception, NULL);
    if (pk_CostLimitExceeded == NULL)
        return -1;
    return PyModule_AddObjectRef(module, "CostLimitExceeded", pk_CostLimitExceeded);
}
