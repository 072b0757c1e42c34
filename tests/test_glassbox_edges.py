"""Edge cases of the glass box (checker, trace, gradient check) and the playground
server found by QA: each test fails without its fix."""

from pathlib import Path

from nnscratch.course import check

SOLUTIONS = Path(__file__).parent / "learner_solutions"


def planted(tmp_path, assignment, old, new, name="my_solution.py"):
    text = (SOLUTIONS / f"{assignment}.py").read_text()
    assert text.count(old) == 1, old
    path = tmp_path / name
    path.write_text(text.replace(old, new))
    return path


# ------------------------------------------------------------------------------ checker

def test_check_prints_nothing_when_the_reference_predict_runs(tmp_path, capfd):
    """The hints run the reference's deep.predict, which prints its accuracy: that line
    must not reach stdout (``check --json`` prints JSON only)."""
    path = planted(tmp_path, "deep", "            p[0, i] = 1\n", "            p[0, i] = 2\n")
    report = check(path, functions=["predict"])
    assert report["predict"].status == "fail"
    out, _err = capfd.readouterr()
    assert out == ""
