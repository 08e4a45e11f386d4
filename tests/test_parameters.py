"""Parameters as a user types them on the command line: `-p KNOB None` (and `null`) mean None, as with plain papermill,
and a knob of the wrong type stops an experiment at the start of `run()` with one line naming it."""
import json
import nbformat, pytest
from test_cli import gumbel_rao, assert_one_line_error
from gumbel_rao.pipeline.runner import read_yaml


def test_none_and_null_are_read_as_none():
    assert [read_yaml(v) for v in ["None", "null", "[None, 1]"]] == [None, None, [None, 1]]
    assert [read_yaml(v) for v in ["none", "Nonesuch"]] == ["none", "Nonesuch"]     # only Python's spelling


@pytest.fixture(scope="module")
def echo(tmp_path_factory):
    "A notebook that writes its parameter `x` to x.json."
    kernelspec = dict(name="python3", display_name="Python 3", language="python")
    nb = nbformat.v4.new_notebook(metadata=dict(kernelspec=kernelspec))
    nb.cells = [nbformat.v4.new_code_cell('out_dir = "out"\nx = 1.0', metadata=dict(tags=["parameters"])),
                nbformat.v4.new_code_cell('import json, pathlib\npathlib.Path(out_dir, "x.json").write_text(json.dumps(x))')]
    path = tmp_path_factory.mktemp("echo") / "echo.ipynb"
    nbformat.write(nb, str(path))
    return path


@pytest.mark.parametrize("typed", ["None", "null"])
def test_run_passes_none(echo, typed, tmp_path):
    run = gumbel_rao("run", echo, "-p", "x", typed, "--out", tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    assert json.loads((tmp_path / "x.json").read_text()) is None


WRONG = {   # experiment, knob, value typed, what the one-line error says
    "vae variance_every": ("vae", "variance_every", "abc", "variance_every must be an integer >= 0"),
    "vae mse_taus": ("vae", "mse_taus", "abc", "mse_taus must be a list of a real number > 0"),
    "vae momentum None": ("vae", "momentum", "None", "momentum must be a real number >= 0, got None"),
    "listops tau": ("listops", "tau", "abc", "tau must be a real number > 0"),
    "listops hidden": ("listops", "hidden", "[64, x]", "hidden must be an integer >= 1"),
}


@pytest.mark.parametrize("case", WRONG)
def test_a_wrong_knob_is_refused_in_one_line(case, tmp_path):
    experiment, knob, value, expected = WRONG[case]
    run = gumbel_rao("run", experiment, "-p", knob, value, "-p", "device", "cpu", "--out", tmp_path)
    assert_one_line_error(run, f"refused -p {knob}: {expected}")
