"""Reliability of sweeps on a tiny experiment notebook (`gumbel_rao.pipeline.config.write_demo_notebook`): kill and resume,
failures, bad configs, Dask against local, two sweeps on one store. Each run takes about a second."""
import os, re, signal, subprocess, sys, time
from pathlib import Path
import pytest, yaml
from conftest import ROOT
from gumbel_rao.pipeline.config import write_demo_notebook
from gumbel_rao.pipeline.sweep import sweep, finished_runs
from gumbel_rao.pipeline.store import open_storage
from gumbel_rao.pipeline.report import load_runs
from gumbel_rao.pipeline.reproduce import write_report


def _config(tmp_path, name="demo", **smoke):
    "Write the demo notebook and a config with the `smoke` scale `smoke`; return the config's path."
    if not (tmp_path / "demo.ipynb").exists(): write_demo_notebook(tmp_path / "demo.ipynb")
    config = dict(name=name, experiment="demo.ipynb", objective=dict(metric="valid", direction="minimize"),
                  metrics=dict(test="test"), scales=dict(smoke=smoke))
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def _cli(*args):
    "Start `gumbel-rao ARGS` in its own process group."
    return subprocess.Popen([sys.executable, "-c", "from gumbel_rao.cli import main; raise SystemExit(main())", *map(str, args)],
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _trials(store, study_names):
    import optuna
    storage = open_storage(store, 1)
    return [t for n in study_names for t in optuna.load_study(study_name=n, storage=storage).get_trials(deepcopy=False)]


def _complete_keys(trials):
    return sorted(t.user_attrs["run"] for t in trials if t.state.name == "COMPLETE")


def test_kill_and_resume(tmp_path):
    config = _config(tmp_path, grid=dict(x=[0.0, 0.1, 0.2, 0.3]), params=dict(sleep=1.0), seeds=[0])
    out, store = tmp_path / "sweep", f"sqlite:///{tmp_path / 'sweep' / 'store.db'}"
    args = ["sweep", config, "--out", out, "--heartbeat", "1"]
    first = _cli(*args)
    deadline = time.time() + 90
    def midway():   # two runs finished and a third one running
        if not (out / "store.db").exists(): return False
        try:
            if finished_runs(open_storage(store, 1), ["demo/smoke/all"]) < 2: return False
            return any(t.state.name == "RUNNING" for t in _trials(store, ["demo/smoke/all"]))
        except KeyError: return False   # the store exists but the study is not created yet
    while not midway():
        assert time.time() < deadline and first.poll() is None, first.communicate()[0][-3000:]
        time.sleep(0.2)
    os.killpg(first.pid, signal.SIGKILL); first.wait()
    before = _trials(store, ["demo/smoke/all"])
    print(f"\nkilled after {len(_complete_keys(before))} runs: " + ", ".join(f"#{t.number} {t.user_attrs['run']} {t.state.name}" for t in before))
    assert any(t.state.name == "RUNNING" for t in before), "the kill should interrupt a run"
    second = _cli(*args)
    log = second.communicate(timeout=120)[0]
    assert second.returncode == 0, log[-3000:]
    after = _trials(store, ["demo/smoke/all"])
    print("after the rerun: " + ", ".join(f"#{t.number} {t.user_attrs['run']} {t.state.name}" for t in after))
    keys = [f"grid{i:02d}-seed0" for i in range(4)]
    assert _complete_keys(after) == keys                                    # each finished run exactly once
    kept = [(t.number, t.value) for t in before if t.state.name == "COMPLETE"]
    assert [(after[n].state.name, after[n].value) for n, _ in kept] == [("COMPLETE", v) for _, v in kept]   # kept, not rerun
    assert any(t.system_attrs.get("failed_trial") is not None for t in after)  # the killed run was retried
    runs = load_runs(out)
    assert list(runs.run) == keys and set(runs.state) == {"complete"}


def test_failures_are_recorded_and_reported(tmp_path):
    config = _config(tmp_path, cells=dict(fail=[False, True]), grid=dict(x=[0.0, 0.5]), seeds=[0])
    summary = sweep(config, "smoke", out=tmp_path / "sweep", heartbeat_interval=1)
    assert (summary["runs"], summary["complete"], summary["failed"]) == (4, 2, 2)
    runs = load_runs(tmp_path / "sweep")
    failed = runs[runs.state == "failed"]
    assert len(failed) == 2 and all("RuntimeError: demo failure at x=" in tb for tb in failed.traceback)
    report = write_report(tmp_path / "sweep").read_text()
    selected = ["| fail | False |", "| tag | grid01 |", "| x | 0.5 |"]   # the one cell that ran, one row: shown tall
    assert "## Failures (2)" in report and "demo failure at x=0.5" in report and all(s in report for s in selected)
    again = sweep(config, "smoke", out=tmp_path / "sweep", heartbeat_interval=1, retry_failed=True)   # the failed runs only
    assert (again["complete"], again["failed"]) == (2, 2) and len(load_runs(tmp_path / "sweep")) == 4
    import optuna
    store = open_storage(f"sqlite:///{tmp_path / 'sweep' / 'store.db'}")
    assert [t.state.name for t in optuna.load_study(study_name="demo/smoke/fail=True", storage=store).trials] == ["FAIL"] * 4
    assert [t.state.name for t in optuna.load_study(study_name="demo/smoke/fail=False", storage=store).trials] == ["COMPLETE"] * 2


@pytest.mark.parametrize("scale, message", [
    (dict(grid=dict(x=[0.0]), colour="red"), "unknown config key 'scales.smoke.colour'"),
    (dict(cells=dict(estimator=["st-gs", "st-gumbel"])), "unknown estimator 'st-gumbel'"),
    (dict(grid=dict(x=["big"])), "'scales.smoke.grid.x' has the wrong type str"),
    (dict(grid=dict(x=[])), "empty grid"),
    (dict(params=dict(learning_rate=0.1)), "unknown config key 'scales.smoke.params.learning_rate'"),
    (dict(search=dict(n_trials="20", space={})), "'scales.smoke.search.n_trials' has the wrong type str"),
])
def test_bad_configs_are_refused_before_anything_runs(tmp_path, scale, message):
    config = _config(tmp_path, **scale)
    with pytest.raises(ValueError, match=message.replace("(", r"\(")): sweep(config, "smoke", out=tmp_path / "sweep")
    assert not (tmp_path / "sweep").exists()


def test_dask_local_cluster_matches_local_run(tmp_path):
    config = _config(tmp_path, grid=dict(x=[0.5]), seeds=[0, 1])
    local = sweep(config, "smoke", out=tmp_path / "local", heartbeat_interval=1)
    dask = sweep(config, "smoke", out=tmp_path / "dask", workers=2, heartbeat_interval=1)
    assert local["complete"] == dask["complete"] == 2
    values = [dict(zip(load_runs(d).run, load_runs(d).value)) for d in (tmp_path / "local", tmp_path / "dask")]
    assert values[0] == values[1] and len(set(values[0].values())) == 2   # the same numbers, and the seeds differ


def test_concurrent_sweeps_on_one_store_lose_nothing(tmp_path):
    store = f"sqlite:///{tmp_path / 'shared.db'}"
    a = _config(tmp_path, "a", grid=dict(x=[0.0, 0.2, 0.4]), seeds=[0])
    b = _config(tmp_path, "b", grid=dict(x=[0.1, 0.3, 0.5]), seeds=[0])
    procs = [_cli("sweep", a, "--out", tmp_path / "a", "--storage", store, "--heartbeat", "1"),
             _cli("sweep", b, "--out", tmp_path / "b", "--storage", store, "--heartbeat", "1"),
             _cli("sweep", a, "--out", tmp_path / "a", "--storage", store, "--heartbeat", "1")]   # the same sweep twice at once
    logs = [p.communicate(timeout=150)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], "\n".join(l[-2000:] for l in logs)
    for name in ("a", "b"):
        trials = _trials(store, [f"{name}/smoke/all"])
        assert _complete_keys(trials) == ["grid00-seed0", "grid01-seed0", "grid02-seed0"]   # each run once, none lost
        assert list(load_runs(tmp_path / name).state) == ["complete"] * 3


def _claim_all(store):
    "Claim waiting trials of the study 'race' until none is left; return their numbers."
    import optuna
    from gumbel_rao.pipeline.store import claim_trial
    study, claimed = optuna.load_study(study_name="race", storage=open_storage(store, 1)), []
    while (trial := claim_trial(study)) is not None: claimed.append(trial.number)
    return claimed


def test_racing_workers_claim_each_trial_once(tmp_path):
    import multiprocessing, optuna
    store = f"sqlite:///{tmp_path / 'race.db'}"
    study = optuna.create_study(study_name="race", storage=open_storage(store, 1))
    for i in range(40): study.enqueue_trial({}, user_attrs=dict(run=f"r{i}"))
    with multiprocessing.get_context("fork").Pool(4) as pool: claims = pool.map(_claim_all, [store] * 4)
    numbers = sorted(n for c in claims for n in c)
    assert numbers == list(range(40)), f"claimed twice: {sorted({n for n in numbers if numbers.count(n) > 1})}"


def test_an_edited_config_is_refused_naming_what_changed(tmp_path):
    "Issue 26: a second sweep into the same folder after an edit never reports the old runs under the new config."
    from gumbel_rao.pipeline.runner import UsageError
    out = tmp_path / "sweep"
    assert sweep(_config(tmp_path, grid=dict(x=[0.0, 0.25]), seeds=[0]), "smoke", out=out, heartbeat_interval=1)["complete"] == 2
    info = (out / "sweep.json").read_text()
    edits = [(dict(grid=dict(x=[0.0, 0.3]), seeds=[0]), "grid01-seed0 (x: 0.25 -> 0.3)"),
             (dict(grid=dict(x=[0.0, 0.25]), seeds=[0], params=dict(noise_scale=0.5)), "noise_scale: 'unset' -> 0.5) and 1 more")]
    for edit, what in edits:
        with pytest.raises(UsageError, match=re.escape(what)):
            sweep(_config(tmp_path, **edit), "smoke", out=out, heartbeat_interval=1)
        assert (out / "sweep.json").read_text() == info      # nothing written, nothing run
    assert len(load_runs(out)) == 2


def test_a_store_without_fingerprints_resumes_run_by_run(tmp_path):
    "A store written before fingerprints (the committed ones, a sweep still running) is resumed, never re-run wholesale."
    from gumbel_rao.pipeline.runner import UsageError
    from gumbel_rao.pipeline.config import load_checked, plan_runs
    from gumbel_rao.pipeline.store import enqueue_runs
    path = _config(tmp_path, grid=dict(x=[0.0, 0.25, 0.5]), seeds=[0])
    out = tmp_path / "sweep"; out.mkdir()
    url = f"sqlite:///{out / 'store.db'}"
    config, _ = load_checked(path, tmp_path)
    older = [{k: v for k, v in r.items() if k != "fingerprint"} for r in plan_runs(config, "smoke")]
    enqueue_runs(open_storage(url, 1), older)                # planned by an older sweep, killed before it ran them
    assert sweep(path, "smoke", out=out, heartbeat_interval=1)["complete"] == 3
    trials = sorted(_trials(url, ["demo/smoke/all"]), key=lambda t: t.number)
    assert [t.user_attrs["run"] for t in trials] == ["grid00-seed0", "grid01-seed0", "grid02-seed0"]   # none twice
    assert not any("fingerprint" in t.user_attrs for t in trials) and len(load_runs(out)) == 3
    with pytest.raises(UsageError, match="grid00-seed0"):     # its runs are still compared, by their parameters
        sweep(_config(tmp_path, grid=dict(x=[0.0, 0.25, 0.5]), seeds=[0], params=dict(noise_scale=0.5)), "smoke", out=out)


@pytest.mark.parametrize("sweep_json", sorted((ROOT / "results" / "sweeps").glob("*/*/sweep.json")),
                         ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_committed_stores_match_their_plan(sweep_json, tmp_path):
    "Every committed store (written before fingerprints) is taken as its own config's, run by run, also in blocks."
    import json, shutil
    from gumbel_rao.pipeline.config import plan_runs
    from gumbel_rao.pipeline.store import changed_runs
    shutil.copy(sweep_json.parent / "store.db", tmp_path / "store.db")
    info = json.loads(sweep_json.read_text())
    plan = plan_runs(info["config"], info["scale"])
    assert changed_runs(open_storage(f"sqlite:///{tmp_path / 'store.db'}"), plan) == []
    assert plan_runs(_as_blocks(info["config"]), info["scale"]) == plan   # and so when its cells become a list of one block


def test_a_relative_store_url_means_the_same_from_any_folder(tmp_path, monkeypatch):
    import json
    path = _config(tmp_path, grid=dict(x=[0.0]), seeds=[0])
    monkeypatch.chdir(tmp_path)
    sweep(path, "smoke", out=tmp_path / "sweep", storage="sqlite:///rel.db", heartbeat_interval=1)
    assert json.loads((tmp_path / "sweep" / "sweep.json").read_text())["storage"] == f"sqlite:///{tmp_path / 'rel.db'}"
    elsewhere = tmp_path / "elsewhere"; elsewhere.mkdir(); monkeypatch.chdir(elsewhere)
    assert len(load_runs(tmp_path / "sweep")) == 1 and not list(elsewhere.iterdir())


def test_cells_that_would_share_a_run_folder_are_refused():
    from gumbel_rao.pipeline.config import plan_runs
    config = dict(name="c", experiment="demo.ipynb", objective=dict(metric="valid", direction="minimize"),
                  scales=dict(smoke=dict(cells=dict(note=["a b", "a_b"]))))
    with pytest.raises(ValueError, match="'c/smoke/note=a b' and 'c/smoke/note=a_b' would share the run folder"):
        plan_runs(config, "smoke")


def _as_blocks(config):
    "`config` with each scale's one mapping of cells as a list holding only that mapping (the first block)."
    def listed(cells): return cells if isinstance(cells, list) else [cells]   # a list of blocks stays as it is
    scales = {s: {**spec, "cells": listed(spec.get("cells", {}))} for s, spec in config["scales"].items()}
    return {**config, "scales": scales}


PLANS = ROOT / "tests" / "plans_of_configs.json"   # each committed config's plan, per scale, before blocks of cells


@pytest.mark.parametrize("path", sorted((ROOT / "configs").glob("*.yaml")), ids=lambda p: p.stem)
def test_committed_configs_plan_what_they_planned(path):
    """Every committed config plans the runs it planned before blocks of cells (study, key and fingerprint, in order),
    and so does its cells written as a list of one block."""
    import hashlib, json
    from gumbel_rao.pipeline.config import load_checked, plan_runs
    config, _ = load_checked(path, ROOT / "nbs")
    before = json.loads(PLANS.read_text())[path.name]
    for scale in config["scales"]:
        plan = plan_runs(config, scale)
        assert plan_runs(_as_blocks(config), scale) == plan
        if hashlib.sha256(path.read_bytes()).hexdigest() != before["sha256"]: continue   # edited since: blocks only
        rows = [[r["study"], r["key"], r["fingerprint"]] for r in plan]
        digest = hashlib.sha256(json.dumps(rows).encode()).hexdigest()
        assert (len(rows), digest) == (before["plans"][scale]["runs"], before["plans"][scale]["sha256"]), scale

