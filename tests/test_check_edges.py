"""The checker's edges from an audit: a helper asked for with --only and imported, the
errors Python finds only when it compiles, a notebook's own advice, the library's
modules shadowing the learner's imports, any file name, a BOM or a coding line, the
course's helper modules given whole, broken notebooks, magics beside continuation
lines, a function defined twice, and time limits."""

import json
import os
import re
import sys
import textwrap
from pathlib import Path

import pytest

from nnscratch.course import CheckError, check
from test_check import COURSE_STYLE_FORWARD, SOLUTIONS, notebook


def _defs(assignment):
    """The correct solution's functions by name, each its source."""
    text = (SOLUTIONS / f"{assignment}.py").read_text()
    return {re.match(r"def (\w+)", part).group(1): part
            for part in re.split(r"\n(?=def )", text)[1:]}


SIGMOID = _defs("logistic")["sigmoid"]


# ------------------------------------------------------------------- no process started


def test_only_a_helper_the_file_imports_is_reported_not_defined(tmp_path, capsys):
    # `--only relu` on a file that imports relu: "0 passed, ..., 0 not defined", exit 0
    from nnscratch.cli import run

    defs = _defs("deep")
    path = tmp_path / "deep_nohelpers.py"
    path.write_text("import numpy as np\nfrom nnscratch.course.deep import sigmoid, relu\n\n"
                    + "\n".join(d for n, d in defs.items() if n not in ("sigmoid", "relu")))
    report = check(path, functions=["relu"])
    assert [(r.name, r.status) for r in report.functions] == [("relu", "missing")]
    assert not report.ok
    assert run(["check", str(path), "--only", "relu"]) == 1
    assert "MISSING  relu" in capsys.readouterr().out


@pytest.mark.parametrize("kind", ["py", "ipynb"])
def test_errors_python_finds_when_compiling_are_syntax_errors(tmp_path, kind):
    # "your file could not be loaded: SyntaxError: 'break' outside loop" and __main__
    # advice for a .py; a notebook's showed the temporary file's name
    if kind == "py":
        path = tmp_path / "mine.py"
        path.write_text("import numpy as np\n\ndef propagate(w, b, X, Y):\n    break\n")
        words = f"{path}: line 4 is not valid Python ('break' outside loop); fix it"
    else:
        path = notebook(tmp_path / "mine.ipynb", [
            "import numpy as np\n", "def propagate(w, b, X, Y):\n    break\n"])
        words = (f"{path}: code cell 2 is not valid Python (line 2: 'break' outside loop); "
                 "fix or delete it")
    with pytest.raises(CheckError) as info:
        check(path)
    assert str(info.value) == words


@pytest.mark.parametrize("content, words", [
    pytest.param(json.dumps({"cells": [{"cell_type": "code", "source": [1, 2]}]}),
                 "code cell 1 has no text where Jupyter keeps it", id="source-not-text"),
    pytest.param('{"cells": ' + "[" * 100_000 + "]" * 100_000 + "}",
                 "is not a Jupyter notebook (its JSON is nested too deeply)", id="nested"),
    pytest.param(json.dumps({"worksheets": [{"cells": []}], "nbformat": 3}),
                 "is a notebook in an old format (nbformat 3); open it in Jupyter",
                 id="nbformat-3"),
])
def test_broken_notebooks_are_refused_in_one_line(tmp_path, content, words):
    # "unexpected failure (...); please report it" (nbformat 3: "it has no cells")
    path = tmp_path / "broken.ipynb"
    path.write_text(content)
    with pytest.raises(CheckError) as info:
        check(path)
    assert words in str(info.value) and "\n" not in str(info.value)


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="needs /dev/fd")
def test_a_pipe_is_refused_as_no_regular_file(tmp_path):
    # `nnscratch check <(cat logistic.py)`: FileNotFoundError on /proc/PID/fd/pipe:[...]
    read, write = os.pipe()
    try:
        os.write(write, SIGMOID.encode())
        os.close(write)
        with pytest.raises(CheckError, match=r"is not a regular file \(a pipe or a device\)"):
            check(f"/dev/fd/{read}", assignment="logistic")
    finally:
        os.close(read)


def test_ipython_lines_are_blanked_only_where_a_statement_begins():
    # "%matplotlib inline" made the cell's `!= 5` continuation line blank too: "'(' was
    # never closed"
    from nnscratch._checker import _without_magics

    cell = ("%matplotlib inline\ndef f(z):\n    ok = (np.ndim(z)\n          != 5)\n"
            "    n = 7 \\\n        % 2\n    s = '''\n!not shell\n'''\n    return ok\n!ls\n")
    kept = _without_magics(cell)
    assert kept == cell.replace("%matplotlib inline", "").replace("!ls", "")


def test_the_time_limits_and_functions_of_the_python_api_are_checked():
    # timeout=0 or -1 blamed the file ("ended the process that loaded it"); "20" raised
    # a raw TypeError; functions=[] checked nothing and was ok
    path = SOLUTIONS / "logistic.py"
    for bad in (0, -1, float("nan"), float("inf")):
        with pytest.raises(CheckError, match="timeout must be a positive finite number"):
            check(path, timeout=bad)
    with pytest.raises(CheckError, match="total_timeout must be a positive finite number"):
        check(path, total_timeout=0)
    with pytest.raises(TypeError, match="timeout must be a number of seconds, not str"):
        check(path, timeout="20")
    with pytest.raises(CheckError, match="functions is empty: there is nothing to check"):
        check(path, functions=[])


# -------------------------------------------------------------- the checker's processes


@pytest.mark.slow
def test_a_notebook_may_import_from_future(tmp_path):
    # `from __future__ import annotations` in a cell: "must occur at the beginning of the
    # file" (the generated file's first lines came before it)
    path = notebook(tmp_path / "future.ipynb", [
        "import numpy as np\n", "from __future__ import annotations\n" + SIGMOID,
        "def initialize_with_zeros(dim: NotAType) -> tuple:\n"
        "    return np.zeros((dim, 1)), oops\n"])
    report = check(path, assignment="logistic", functions=["sigmoid", "initialize_with_zeros"])
    assert report["sigmoid"].status == "pass", str(report)
    # annotations unread (the future's), and a mistake still placed by cell and line
    assert report["initialize_with_zeros"].lines == [
        [3, 2, "initialize_with_zeros", "return np.zeros((dim, 1)), oops"]], str(report)


@pytest.mark.slow
def test_a_notebook_cell_whose_lines_end_in_a_carriage_return_is_read(tmp_path):
    # IndexError: the cell's lines split at \n did not match Python's
    path = tmp_path / "old_mac.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "source": (
        "import numpy as np\r" + SIGMOID.replace("np.exp(-z)", "np.exp(-z) + oops")
    ).replace("\n", "\r")}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    result = check(path, assignment="logistic", functions=["sigmoid"])["sigmoid"]
    line = 1 + next(n for n, text in enumerate(SIGMOID.splitlines(), 1) if "np.exp" in text)
    assert result.status == "error" and result.lines[-1][:2] == [1, line], result


@pytest.mark.slow
def test_a_notebook_that_cannot_be_loaded_gets_a_notebooks_advice(tmp_path):
    # it was told to put its code under if __name__ == "__main__"
    path = notebook(tmp_path / "imports.ipynb", [
        "import numpy as np\nfrom numpy import no_such_thing\n", SIGMOID])
    error = check(path, assignment="logistic").file_error
    assert error.type == "ImportError" and "__main__" not in error.message
    assert error.message.startswith("your notebook could not be loaded: ImportError: ")
    assert error.message.endswith("not its other cells: fix or remove that import in code "
                                  "cell 1)")
    assert error.lines == [[1, 2, "<module>", "from numpy import no_such_thing"]]
    path = notebook(tmp_path / "exits.ipynb", [
        "import numpy as np\n", SIGMOID + "\nclass A:\n    raise SystemExit(3)\n"])
    error = check(path, assignment="logistic").file_error
    assert "__main__" not in error.message and error.message.endswith("in code cell 2)")


@pytest.mark.slow
def test_the_learners_imports_are_not_the_librarys_own_modules(tmp_path, monkeypatch):
    # the child ran with the nnscratch package folder on sys.path: `import datasets` (with
    # Hugging Face's installed) loaded nnscratch/datasets.py, "attempted relative import"
    library = tmp_path / "site"
    library.mkdir()
    (library / "datasets.py").write_text("WHO = 'theirs'\n")
    monkeypatch.setenv("PYTHONPATH", str(library))
    path = tmp_path / "work" / "mine.py"
    path.parent.mkdir()
    path.write_text("import datasets\nimport numpy as np\n\n"
                    "assert datasets.WHO == 'theirs'\n" + SIGMOID)
    report = check(path, assignment="logistic", functions=["sigmoid"])
    assert report.file_error is None and report.ok, str(report)
    path.write_text("import plotting\n" + SIGMOID)  # no such module of theirs
    error = check(path, assignment="logistic", functions=["sigmoid"]).file_error
    assert error.message.startswith("your file could not be loaded: ModuleNotFoundError: "
                                    "No module named 'plotting'"), error.message


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sol.txt", "solution", "bom.py", "latin.py", "bom.ipynb"])
def test_a_file_of_any_name_with_a_bom_or_a_coding_line_is_read_as_python_reads_it(
        tmp_path, name):
    # sol.txt: "'NoneType' object has no attribute 'loader'"; a BOM: "invalid
    # non-printable character U+FEFF", or "not JSON" in a notebook; latin-1: "not UTF-8"
    text = "import numpy as np\n\n" + SIGMOID.replace("return s", "return s  # ok")
    path = tmp_path / name
    if name == "latin.py":  # a letter that is not UTF-8 in its comments
        path.write_bytes("# -*- coding: latin-1 -*-\n# café\n".encode("latin-1")
                         + text.replace("# ok", "# 'café'").encode("latin-1"))
    elif name == "bom.ipynb":
        path.write_bytes(b"\xef\xbb\xbf" + notebook(path, [text]).read_bytes())
    else:
        path.write_bytes((b"\xef\xbb\xbf" if name.startswith("bom") else b"")
                         + text.encode())
    report = check(path, assignment="logistic", functions=["sigmoid"])
    assert report.ok, str(report)




@pytest.mark.slow
def test_the_application_notebooks_helper_module_gives_the_deep_functions(tmp_path):
    # the Application notebook's L_layer_model: "NameError: name
    # 'initialize_parameters_deep' is not defined" (dnn_app_utils_v3 was given as
    # dnn_utils: sigmoid, relu and their backward functions alone)
    defs = _defs("deep")
    path = notebook(tmp_path / "Deep Neural Network - Application.ipynb", [
        "import numpy as np\nimport h5py\nfrom dnn_app_utils_v3 import *\n%matplotlib inline\n",
        "train_x_orig, train_y, test_x_orig, test_y, classes = load_data()\n",
        defs["L_layer_model"],
        # their own definition, after the star import, is the one checked
        defs["linear_forward"].replace("np.dot(W, A) + b", "np.dot(W, A)"),
        "parameters, costs = L_layer_model(train_x, train_y, layers_dims)\n"])
    report = check(path, functions=["L_layer_model", "linear_forward"])
    assert report["L_layer_model"].status == "pass", str(report)
    assert report["linear_forward"].hint_id == "bias_left_out", str(report)


@pytest.mark.slow
@pytest.mark.parametrize("top, name", [
    ("import dnn_utils\n", "dnn_utils"),
    ("import numpy as np, lr_utils\nimport dnn_app_utils_v3 as u\n", "u")])
def test_a_course_helper_module_imported_whole_is_given(tmp_path, top, name):
    # `import dnn_utils`, then dnn_utils.sigmoid(Z): NameError (the import was left out)
    path = notebook(tmp_path / f"{name}.ipynb", [
        "import numpy as np\n" + top,
        re.sub(r"\b(sigmoid|relu)\(Z\)", rf"{name}.\1(Z)", COURSE_STYLE_FORWARD)])
    report = check(path, assignment="deep", functions=["linear_activation_forward"])
    assert report.ok, str(report)


@pytest.mark.slow
def test_a_notebook_cell_with_a_magic_and_a_continuation_line_is_checked(tmp_path):
    # refused: "code cell 1 is not valid Python ('(' was never closed)"
    cell = "%matplotlib inline\nimport numpy as np\n" + SIGMOID.replace(
        "    return s", "    ok = (np.ndim(z)\n          != 5)\n    return s")
    report = check(notebook(tmp_path / "magic.ipynb", [cell]), assignment="logistic",
                   functions=["sigmoid"])
    assert report.ok, str(report)


@pytest.mark.slow
def test_the_placeholder_hint_reads_the_definition_that_runs(tmp_path):
    # a later cell defines propagate again: the hint read the first definition
    path = notebook(tmp_path / "twice.ipynb", [
        "import numpy as np\n",
        "def propagate(w, b, X, Y):\n    raise ValueError('first try')\n",
        "def propagate(w, b, X, Y):\n    A = None\n    dw = np.dot(X, (A - Y).T)\n"
        "    return {'dw': dw, 'db': 0.0}, 0.0\n"])
    result = check(path, assignment="logistic", functions=["propagate"])["propagate"]
    assert result.hint_id == "placeholder", result
    assert result.hint.startswith("A is still None in your propagate")


@pytest.mark.slow
def test_a_number_too_large_for_a_float_is_a_fail(tmp_path):
    # db = 10**400: "unexpected failure (OverflowError ...)"
    path = tmp_path / "huge.py"
    path.write_text("import numpy as np\n\ndef sigmoid(z):\n    return 10**400\n")
    result = check(path, assignment="logistic", functions=["sigmoid"])["sigmoid"]
    assert result.status == "fail" and "too large for a float" in result.found, result


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="the fork server: Linux")
def test_a_file_loaded_at_its_time_limit_is_a_time_out(tmp_path, monkeypatch):
    # the file had finished (its answer written) as the limit passed: "your file's
    # top-level code ended the process that loaded it"
    import nnscratch._checker as checker

    original = checker._ForkServer._reply
    replies = []

    def late(self, timeout):
        reply = original(self, timeout if replies else 60)
        replies.append(reply)
        return None if len(replies) == 2 else reply  # "loaded" came after the limit

    monkeypatch.setattr(checker._ForkServer, "_reply", late)
    path = tmp_path / "mine.py"
    path.write_text(textwrap.dedent("""\
        import numpy as np
        def sigmoid(z):
            return 1 / (1 + np.exp(-z))
    """))
    report = check(path, assignment="logistic", timeout=30)
    assert replies[1] is not None and replies[1]["event"] == "loaded"
    assert report.file_error.type == "timeout", report.file_error
    assert report.file_error.message.startswith(
        "your file's top-level code did not finish within "), report.file_error.message


# ------------------------------------------- the Application notebook's initialisation

#: The course's dnn_app_utils_v3.initialize_parameters_deep, verbatim but for the
#: asserts; the rest of that module is the step-by-step assignment's functions.
APP_UTILS = '''\
import numpy as np
from nnscratch.course.deep import (sigmoid, relu, sigmoid_backward, relu_backward,
    initialize_parameters, linear_forward, linear_activation_forward, L_model_forward,
    compute_cost, linear_backward, linear_activation_backward, L_model_backward,
    update_parameters, predict)


def initialize_parameters_deep(layer_dims):
    np.random.seed(1)
    parameters = {}
    L = len(layer_dims)            # number of layers in the network

    for l in range(1, L):
        parameters['W' + str(l)] = np.random.randn(layer_dims[l], layer_dims[l-1]) / np.sqrt(layer_dims[l-1]) #*0.01
        parameters['b' + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters
'''

#: The Application notebook's L_layer_model as a learner writes it (the course's
#: solution): every function it calls comes from dnn_app_utils_v3.
APP_L_LAYER_MODEL = '''\
def L_layer_model(X, Y, layers_dims, learning_rate = 0.0075, num_iterations = 3000, print_cost=False):
    np.random.seed(1)
    costs = []
    parameters = initialize_parameters_deep(layers_dims)
    for i in range(0, num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and i % 100 == 0 or i == num_iterations - 1:
            print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
        if i % 100 == 0 or i == num_iterations:
            costs.append(cost)
    return parameters, costs
'''

#: A mistake for the hint: the cost kept at every iteration.
EVERY_COST = ("        if i % 100 == 0 or i == num_iterations:\n            costs.append(cost)\n",
              "        costs.append(cost)\n")


@pytest.mark.slow
def test_the_application_notebooks_l_layer_model_with_its_own_helper_module_passes(tmp_path):
    # with the course's dnn_app_utils_v3.py beside it, a correct L_layer_model FAILed:
    # the reference drew its weights as the step-by-step initialize_parameters_deep does
    (tmp_path / "dnn_app_utils_v3.py").write_text(APP_UTILS)
    path = tmp_path / "application.py"
    path.write_text("import numpy as np\nfrom dnn_app_utils_v3 import *\n\n\n"
                    + _defs("deep")["two_layer_model"] + APP_L_LAYER_MODEL)
    report = check(path, assignment="deep", functions=["two_layer_model", "L_layer_model"])
    assert report.ok and report.passed == 2, str(report)
    path.write_text(path.read_text().replace(*EVERY_COST))
    result = check(path, assignment="deep", functions=["L_layer_model"])["L_layer_model"]
    assert result.status == "fail" and result.hint_id == "costs_every_iteration", result
    assert "dnn_app_utils_v3's initialize_parameters_deep" in result.case, result.case


@pytest.mark.slow
def test_a_notebook_lacking_dnn_app_utils_is_given_its_own_initialisation(tmp_path,
                                                                         monkeypatch):
    # the stand-in gave the step-by-step initialize_parameters_deep (seed 3, × 0.01);
    # and a dnn_app_utils_v3.py in the folder check() was called from, which the
    # notebook's process does not see, kept the stand-in out: ModuleNotFoundError
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "dnn_app_utils_v3.py").write_text(APP_UTILS)
    monkeypatch.chdir(elsewhere)
    monkeypatch.syspath_prepend("")
    path = notebook(tmp_path / "Application.ipynb", [
        "import numpy as np\nfrom dnn_app_utils_v3 import *\n",
        APP_L_LAYER_MODEL.replace(*EVERY_COST)])
    result = check(path, assignment="deep", functions=["L_layer_model"])["L_layer_model"]
    assert result.status == "fail" and result.hint_id == "costs_every_iteration", result
    assert "dnn_app_utils_v3's initialize_parameters_deep" in result.case, result.case
    # the functions the helper module gives are not the learner's: one line, not eleven
    # "MISSING ... not defined in your file"
    report = check(path, assignment="deep")
    given = ["initialize_parameters", "initialize_parameters_deep", "linear_forward",
             "linear_activation_forward", "L_model_forward", "compute_cost",
             "linear_backward", "linear_activation_backward", "L_model_backward",
             "update_parameters", "predict"]
    assert report.imported == given and report.to_dict()["imported"] == given
    assert [(r.name, r.status) for r in report.functions] == [
        ("two_layer_model", "missing"), ("L_layer_model", "fail")], str(report)
    assert "  imported initialize_parameters, initialize_parameters_deep, " in str(report)
    assert "not yours, not checked" in report._repr_html_()


@pytest.mark.slow
def test_a_file_of_both_notebooks_is_compared_with_the_step_by_step_weights(tmp_path):
    # its L_layer_model calls its own (step-by-step) initialize_parameters_deep
    text = (SOLUTIONS / "deep.py").read_text()
    path = tmp_path / "week4.py"
    path.write_text(text)
    assert check(path, functions=["L_layer_model"]).ok
    path.write_text(text.replace("        if i % 100 == 0:\n            costs.append(cost)\n",
                                 "        costs.append(cost)\n        if i % 100 == 0:\n"))
    result = check(path, functions=["L_layer_model"])["L_layer_model"]
    assert result.status == "fail" and result.hint_id == "costs_every_iteration", result
    assert "the step-by-step initialize_parameters_deep" in result.case, result.case


@pytest.mark.slow
def test_a_notebooks_constants_reach_its_functions(tmp_path):
    # only imports, functions and classes ran: a correct propagate reading EPS from an
    # earlier cell "raised NameError", and a default read from a global refused the file
    propagate = _defs("logistic")["propagate"].replace(
        "np.log(A)", "np.log(A + EPS)").replace("np.log(1 - A)", "np.log(1 - A + EPS)")
    assert propagate.count("EPS") == 2
    path = notebook(tmp_path / "constants.ipynb", [
        "import numpy as np\n%matplotlib inline\n",
        # a value that calls something (loads data) is still left out, and one that
        # reads what it loaded is skipped, not fatal
        "EPS = 1e-12\ntrain_x = load_dataset()\nn_x = train_x.shape[0]\n"
        "sizes: tuple = (2, 4, 1); n_h = sizes[1]\n",
        SIGMOID, propagate,
        "def initialize_with_zeros(dim=sizes[0]):\n    return np.zeros((dim, 1)), 0.0\n"])
    report = check(path, assignment="logistic",
                   functions=["sigmoid", "propagate", "initialize_with_zeros"])
    assert report.ok and report.passed == 3, str(report)


@pytest.mark.slow
def test_float32_arithmetic_passes_and_a_float32_mistake_fails(tmp_path):
    # float32 results failed at 1e-6 relative, on an element shown as "expected
    # -2.77992, got -2.77992" (the one beyond the tolerance was another)
    text = (SOLUTIONS / "deep.py").read_text()
    single = "np.dot(W.astype(np.float32), A.astype(np.float32)) + b.astype(np.float32)"
    path = tmp_path / "single.py"
    path.write_text(text.replace("    Z = np.dot(W, A) + b", f"    Z = {single}"))
    names = ["linear_forward", "linear_activation_forward", "L_model_forward"]
    report = check(path, functions=names)
    assert report.ok and report.passed == 3, str(report)
    path.write_text(text.replace("    Z = np.dot(W, A) + b", f"    Z = {single} + 1e-4"))
    result = check(path, functions=["linear_forward"])["linear_forward"]
    assert result.status == "fail" and result.max_abs_diff == pytest.approx(1e-4, rel=0.01)
    assert f"{result.expected_value:.6g}" != f"{result.actual_value:.6g}", str(result)


@pytest.mark.slow
def test_the_planar_assignments_own_sigmoid_is_checked_and_blamed(tmp_path):
    # it was not checked: forward_propagation took the blame, without a hint
    path = tmp_path / "planar.py"
    path.write_text((SOLUTIONS / "shallow.py").read_text().replace(
        "1 / (1 + np.exp(-x))", "1 / (1 + np.exp(x))"))
    report = check(path, functions=["sigmoid", "forward_propagation"])
    assert report.assignment == "shallow"
    assert report["sigmoid"].hint_id == "exponent_sign", str(report)
    assert report["forward_propagation"].message.startswith(
        "fails only because sigmoid fails"), str(report)
    # a file that takes planar_utils' sigmoid is not told it lacks one
    text = (SOLUTIONS / "shallow.py").read_text()
    start = text.index("def sigmoid")
    end = text.index("\ndef ", start + 1)
    path.write_text(text[:start] + "from planar_utils import sigmoid\n" + text[end:])
    (tmp_path / "planar_utils.py").write_text(
        "import numpy as np\n\n\ndef sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n")
    report = check(path)
    assert report.ok and "sigmoid" not in [r.name for r in report.functions], str(report)


@pytest.mark.slow
@pytest.mark.parametrize("module, does", [("dnn_utils", "gives it"),
                                          ("testCases_v4a", "leaves its import out")])
def test_a_py_file_lacking_a_course_helper_module_is_told_where_it_lies(tmp_path, module,
                                                                        does):
    # the advice was to move data loading under if __name__ == "__main__"
    path = tmp_path / "mine.py"
    path.write_text(f"import numpy as np\nfrom {module} import *\n\n\n"
                    + _defs("deep")["linear_forward"])
    error = check(path).file_error
    assert error.type == "ModuleNotFoundError", error
    assert error.message.endswith(
        f"{module} is one of the course's helper modules, which lie beside its notebooks: "
        f"put {module}.py beside your file, or check the notebook (.ipynb), for which the "
        f"checker {does})"), error.message


@pytest.mark.slow
def test_a_helper_that_writes_into_its_argument_is_named_not_its_caller(tmp_path):
    # relu_backward's dZ = dA (no copy), then dZ[Z <= 0] = 0: it passed, and a correct
    # L_model_backward failed with no hint (grads['dA1'] was zeroed after it was kept)
    path = tmp_path / "inplace.py"
    text = (SOLUTIONS / "deep.py").read_text()
    path.write_text(text.replace("    dZ = np.array(dA, copy=True)", "    dZ = dA"))
    report = check(path, functions=["relu_backward", "linear_activation_backward",
                                    "L_model_backward"])
    result = report["relu_backward"]
    assert result.status == "fail" and result.hint_id == "argument_changed", str(report)
    assert result.message.startswith("changes its argument dA in place"), result.message
    assert report["L_model_backward"].message.startswith(
        "fails only because relu_backward fails"), str(report)
    # update_parameters may update the arrays it is given, as the course's tests allow
    path.write_text(text.replace(
        '        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate',
        '        parameters["W" + str(l + 1)] -= learning_rate').replace(
        "    parameters = {k: v.copy() for k, v in params.items()}",
        "    parameters = params"))
    assert "-= learning_rate" in path.read_text()
    assert check(path, functions=["update_parameters"]).ok
