/* bench/edge's counting trampoline for valgrind's callgrind.
 *
 * Run under `valgrind --tool=callgrind --collect-atstart=no
 * --toggle-collect=ondc_bench_counted`: callgrind collects only while this function is on
 * the calling thread's stack, so a process's instructions are counted exactly while it does
 * the work bench/edge/counted.py passes through here (a request's task steps, the
 * dispatcher's rounds, the functions they hand to threads) and never during its periodic
 * background work, however long the run takes. The instrumentation switches (callgrind's
 * client requests) open and close a counting window from inside a process.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <valgrind/callgrind.h>

/* Not static, never inlined, no tail call (built with -O0): callgrind must see it entered
 * and left. */
__attribute__((noinline)) PyObject *
ondc_bench_counted(PyObject *fn, PyObject *args, PyObject *kwargs)
{
    PyObject *result = PyObject_Call(fn, args, kwargs);
    return result;
}

/* Sixteen named stages inside counted work (counted.py's PARTS): callgrind's inclusive
 * count of ondc_bench_part_N is what stage N cost, its threads' share included. */
#define PART(n)                                                                          \
    __attribute__((noinline)) PyObject *                                                 \
    ondc_bench_part_##n(PyObject *fn, PyObject *args, PyObject *kwargs)                  \
    {                                                                                    \
        PyObject *result = PyObject_Call(fn, args, kwargs);                              \
        return result;                                                                   \
    }
PART(0) PART(1) PART(2) PART(3) PART(4) PART(5) PART(6) PART(7)
PART(8) PART(9) PART(10) PART(11) PART(12) PART(13) PART(14) PART(15)

typedef PyObject *(*part_fn)(PyObject *, PyObject *, PyObject *);
static part_fn parts[16] = {
    ondc_bench_part_0, ondc_bench_part_1, ondc_bench_part_2, ondc_bench_part_3,
    ondc_bench_part_4, ondc_bench_part_5, ondc_bench_part_6, ondc_bench_part_7,
    ondc_bench_part_8, ondc_bench_part_9, ondc_bench_part_10, ondc_bench_part_11,
    ondc_bench_part_12, ondc_bench_part_13, ondc_bench_part_14, ondc_bench_part_15,
};

static PyObject *
part(PyObject *self, PyObject *args, PyObject *kwargs)
{
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    if (n < 2) {
        PyErr_SetString(PyExc_TypeError, "part(index, fn, *args, **kwargs)");
        return NULL;
    }
    long index = PyLong_AsLong(PyTuple_GET_ITEM(args, 0));
    if (index < 0 || index > 15) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "part index 0 to 15");
        return NULL;
    }
    PyObject *rest = PyTuple_GetSlice(args, 2, n);
    if (rest == NULL)
        return NULL;
    PyObject *result = parts[index](PyTuple_GET_ITEM(args, 1), rest, kwargs);
    Py_DECREF(rest);
    return result;
}

static PyObject *
call(PyObject *self, PyObject *args, PyObject *kwargs)
{
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    if (n < 1) {
        PyErr_SetString(PyExc_TypeError, "call(fn, *args, **kwargs)");
        return NULL;
    }
    PyObject *rest = PyTuple_GetSlice(args, 1, n);
    if (rest == NULL)
        return NULL;
    PyObject *result = ondc_bench_counted(PyTuple_GET_ITEM(args, 0), rest, kwargs);
    Py_DECREF(rest);
    return result;
}

static PyObject *
start(PyObject *self, PyObject *unused)
{
    CALLGRIND_START_INSTRUMENTATION;
    Py_RETURN_NONE;
}

static PyObject *
stop(PyObject *self, PyObject *unused)
{
    CALLGRIND_STOP_INSTRUMENTATION;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"call", (PyCFunction)(void (*)(void))call, METH_VARARGS | METH_KEYWORDS,
     "call(fn, *args, **kwargs): fn(*args, **kwargs), counted by callgrind"},
    {"part", (PyCFunction)(void (*)(void))part, METH_VARARGS | METH_KEYWORDS,
     "part(index, fn, *args, **kwargs): fn(*args, **kwargs), attributed to stage index"},
    {"start", start, METH_NOARGS, "switch callgrind's instrumentation on"},
    {"stop", stop, METH_NOARGS, "switch callgrind's instrumentation off"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_counted", NULL, -1, methods};

PyMODINIT_FUNC
PyInit__counted(void)
{
    return PyModule_Create(&module);
}
