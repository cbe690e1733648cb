/* pk_counters.c: hardware/software counters through perf_event_open (Linux only). */
#include "pk.h"
#include <errno.h>

#if PK_HAVE_PERF_EVENTS
#  include <linux/perf_event.h>
#  include <sys/ioctl.h>
#  include <sys/syscall.h>
#  include <unistd.h>
#else
/* The Linux values, so the module has the constants everywhere. */
#  define PERF_TYPE_HARDWARE 0
#  define PERF_TYPE_SOFTWARE 1
#  define PERF_COUNT_HW_CPU_CYCLES 0
#  define PERF_COUNT_HW_INSTRUCTIONS 1
#  define PERF_COUNT_HW_CACHE_MISSES 3
#  define PERF_COUNT_HW_BRANCH_MISSES 5
#  define PERF_COUNT_SW_TASK_CLOCK 1
#  define PERF_COUNT_SW_PAGE_FAULTS 2
#  define PERF_COUNT_SW_CONTEXT_SWITCHES 3
#  define PERF_COUNT_SW_CPU_MIGRATIONS 4
#endif

/* Adds HAVE_PERF_EVENTS and the TYPE_* / HW_* / SW_* constants to the module. */
int pk_counters_init(PyObject *module)
{
    static const struct { const char *name; long value; } consts[] = {
        {"TYPE_HARDWARE", PERF_TYPE_HARDWARE},
        {"TYPE_SOFTWARE", PERF_TYPE_SOFTWARE},
        {"HW_CPU_CYCLES", PERF_COUNT_HW_CPU_CYCLES},
        {"HW_INSTRUCTIONS", PERF_COUNT_HW_INSTRUCTIONS},
        {"HW_CACHE_MISSES", PERF_COUNT_HW_CACHE_MISSES},
        {"HW_BRANCH_MISSES", PERF_COUNT_HW_BRANCH_MISSES},
        {"SW_TASK_CLOCK", PERF_COUNT_SW_TASK_CLOCK},
        {"SW_PAGE_FAULTS", PERF_COUNT_SW_PAGE_FAULTS},
        {"SW_CONTEXT_SWITCHES", PERF_COUNT_SW_CONTEXT_SWITCHES},
        {"SW_CPU_MIGRATIONS", PERF_COUNT_SW_CPU_MIGRATIONS},
    };
    for (size_t i = 0; i < sizeof(consts) / sizeof(consts[0]); i++) {
        if (PyModule_AddIntConstant(module, consts[i].name, consts[i].value) < 0)
            return -1;
    }
    return PyModule_AddObjectRef(module, "HAVE_PERF_EVENTS", PK_HAVE_PERF_EVENTS ? Py_True : Py_False);
}

/* Sets OSError(ENOSYS) for builds without perf events; returns NULL. */
static PyObject *pk_no_perf(void)
{
    errno = ENOSYS;
    return PyErr_SetFromErrno(PyExc_OSError);
}

/* perf_open(type, config): a disabled user-space counter on the calling thread; returns its fd. */
PyObject *pk_py_perf_open(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"type", "config", NULL};
    PyObject *type_obj, *config_obj;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!O!:perf_open", kwlist, &PyLong_Type, &type_obj,
                                     &PyLong_Type, &config_obj))
        return NULL;
    unsigned long long type = PyLong_AsUnsignedLongLong(type_obj);
    if (type == (unsigned long long)-1 && PyErr_Occurred())
        return NULL;
    unsigned long long config = PyLong_AsUnsignedLongLong(config_obj);
    if (config == (unsigned long long)-1 && PyErr_Occurred())
        return NULL;
    if (type > 0xFFFFFFFFULL) {
        PyErr_SetString(PyExc_OverflowError, "type does not fit in 32 bits");
        return NULL;
    }
#if PK_HAVE_PERF_EVENTS
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.size = sizeof(attr);
    attr.type = (uint32_t)type;
    attr.config = config;
    attr.disabled = 1;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
    long fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
    if (fd < 0)
        return PyErr_SetFromErrno(PyExc_OSError);
    return PyLong_FromLong(fd);
#else
    return pk_no_perf();
#endif
}

/* perf_close(fd): closes a counter opened by perf_open. */
PyObject *pk_py_perf_close(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"fd", NULL};
    int fd;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "i:perf_close", kwlist, &fd))
        return NULL;
#if PK_HAVE_PERF_EVENTS
    if (close(fd) != 0)
        return PyErr_SetFromErrno(PyExc_OSError);
    Py_RETURN_NONE;
#else
    return pk_no_perf();
#endif
}

#if PK_HAVE_PERF_EVENTS
/* Applies one PERF_EVENT_IOC_* request to every fd; returns 0, or the first errno seen. */
static int pk_ioctl_all(const int *fds, Py_ssize_t n, unsigned long request)
{
    int err = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (ioctl(fds[i], request, 0) != 0 && err == 0)
            err = errno;
    }
    return err;
}

/* Reads every counter's (value, time_enabled, time_running) into out[3*i..]; 0, or -1 with OSError set. */
static int pk_read_all(const int *fds, Py_ssize_t n, uint64_t *out)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        ssize_t got = read(fds[i], out + 3 * i, 3 * sizeof(uint64_t));
        if (got != (ssize_t)(3 * sizeof(uint64_t))) {
            if (got >= 0)
                errno = EIO;
            PyErr_SetFromErrno(PyExc_OSError);
            return -1;
        }
    }
    return 0;
}

/* The list of (value, time_enabled, time_running) of after - before, one tuple per counter. */
static PyObject *pk_readings(Py_ssize_t n, const uint64_t *before, const uint64_t *after)
{
    PyObject *list = PyList_New(n);
    if (list == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        const uint64_t *b = before + 3 * i, *a = after + 3 * i;
        PyObject *item = Py_BuildValue("(KKK)", (unsigned long long)(a[0] - b[0]),
                                       (unsigned long long)(a[1] - b[1]), (unsigned long long)(a[2] - b[2]));
        if (item == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, item);
    }
    return list;
}
#endif

/* counted_loop(fds, func, args, loops): the time_loop loop with the counters enabled around it. */
PyObject *pk_py_counted_loop(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"fds", "func", "args", "loops", NULL};
    PyObject *fd_tuple, *func, *fargs, *list = NULL;
    Py_ssize_t loops;
    int64_t elapsed;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!OO!n:counted_loop", kwlist, &PyTuple_Type, &fd_tuple,
                                     &func, &PyTuple_Type, &fargs, &loops))
        return NULL;
    if (pk_check_loops(loops) < 0)
        return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(fd_tuple);
    if (n == 0) {
        /* No counters: just the timed loop, on every platform. */
        if (pk_call_loop(func, fargs, loops, &elapsed) < 0)
            return NULL;
        return Py_BuildValue("(L[])", (long long)elapsed);
    }
#if PK_HAVE_PERF_EVENTS
    int err, rc;
    PyObject *values;
    /* fds, then the readings before and after the loop: 3 uint64 per counter each. */
    int *fds = PyMem_New(int, n);
    uint64_t *before = PyMem_New(uint64_t, 6 * n), *after;
    if (fds == NULL || before == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    after = before + 3 * n;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyTuple_GET_ITEM(fd_tuple, i);
        if (!PyLong_Check(item)) {
            PyErr_Format(PyExc_TypeError, "fds must hold ints, not %.100s", Py_TYPE(item)->tp_name);
            goto done;
        }
        long fd = PyLong_AsLong(item);
        if (fd == -1 && PyErr_Occurred())
            goto done;
        if (fd < 0 || fd > INT_MAX) {
            PyErr_Format(PyExc_ValueError, "invalid fd %ld", fd);
            goto done;
        }
        fds[i] = (int)fd;
    }
    /* RESET zeroes the values but not the enabled/running times: read those first, report deltas. */
    err = pk_ioctl_all(fds, n, PERF_EVENT_IOC_RESET);
    if (err != 0) {
        errno = err;
        PyErr_SetFromErrno(PyExc_OSError);
        goto done;
    }
    if (pk_read_all(fds, n, before) < 0)
        goto done;
    err = pk_ioctl_all(fds, n, PERF_EVENT_IOC_ENABLE);
    if (err != 0) {
        pk_ioctl_all(fds, n, PERF_EVENT_IOC_DISABLE);
        errno = err;
        PyErr_SetFromErrno(PyExc_OSError);
        goto done;
    }
    rc = pk_call_loop(func, fargs, loops, &elapsed);
    err = pk_ioctl_all(fds, n, PERF_EVENT_IOC_DISABLE);
    if (rc < 0)
        goto done; /* the loop's exception wins; the counters are disabled */
    if (err != 0) {
        errno = err;
        PyErr_SetFromErrno(PyExc_OSError);
        goto done;
    }
    if (pk_read_all(fds, n, after) < 0)
        goto done;
    values = pk_readings(n, before, after);
    if (values != NULL)
        list = Py_BuildValue("(LN)", (long long)elapsed, values);
done:
    PyMem_Free(fds);
    PyMem_Free(before);
    return list;
#else
    (void)list;
    return pk_no_perf();
#endif
}
