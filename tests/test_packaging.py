"""The project as a package: the wheel, the installed `campaign` command, the locks.

The wheel is built from a copy of the sources and installed without its dependencies into a
fresh virtual environment in a temporary folder; the dependencies come from this test's own
environment through a ``.pth`` line (no download). Then `campaign kpis` runs from another
folder, as it would after ``pip install .`` on a server.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import shutil
import site
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from campaign.cli import main

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DEV_TOOLS = {"pytest", "pytest-xdist", "hypothesis", "playwright", "ruff", "mypy", "uv"}

pytestmark = pytest.mark.xdist_group("packaging")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A wheel built from a copy of the sources, installed into a fresh venv."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".history")
    shutil.copytree(ROOT / "campaign", source / "campaign", symlinks=True, ignore=skip)
    shutil.copytree(ROOT / "queries", source / "queries", ignore=skip)
    dist = work / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(dist),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("campaign_dashboard-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # This environment's packages, after the venv's own (so its campaign is the wheel's).
    Path(purelib, "test_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    data = work / "sample" / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns(".build", "history"))
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    return {"wheel": wheel, "venv": venv, "data": data, "elsewhere": elsewhere}


def run_installed(installed: dict[str, Path], *args: str, env: dict[str, str] | None = None):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CAMPAIGN_")}
    clean.pop("PYTHONPATH", None)
    return subprocess.run(
        [str(installed["venv"] / "bin" / "campaign"), *args],
        cwd=installed["elsewhere"],
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
        timeout=300,
    )


def test_the_wheel_holds_the_engine_and_its_queries_and_nothing_else(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    queries = {Path(n).name for n in names if n.startswith("campaign/queries/")}
    shipped = {p.name for p in (ROOT / "queries").iterdir() if p.is_file()}
    assert queries == shipped
    assert "campaign/cli.py" in names and "campaign/strings/kpi.py" in names
    tops = {n.split("/")[0] for n in names}
    assert tops == {"campaign", *(n.split("/")[0] for n in names if ".dist-info/" in n)}


def test_installed_campaign_kpis_from_another_folder_gives_the_repositorys_figures(
    installed, capsys
):
    done = run_installed(installed, "kpis", "--data", str(installed["data"]), "--json")
    assert done.returncode == 0, done.stderr
    assert (
        main(["kpis", "--data", str(ROOT / "data"), "--queries", str(ROOT / "queries"), "--json"])
        == 0
    )
    expected = json.loads(capsys.readouterr().out)
    assert json.loads(done.stdout) == expected
    assert len(expected["kpis"]) == len(list((ROOT / "queries").glob("*.sql")))


def test_the_installed_command_runs_the_wheels_code_not_the_repositorys(installed):
    done = subprocess.run(
        [
            str(installed["venv"] / "bin" / "python"),
            "-c",
            "import campaign; print(campaign.__file__)",
        ],
        cwd=installed["elsewhere"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(done.stdout.strip()).is_relative_to(installed["venv"])


def test_installed_campaign_reads_campaign_data(installed):
    done = run_installed(installed, "kpis", env={"CAMPAIGN_DATA": str(installed["data"])})
    assert done.returncode == 0, done.stderr
    assert "融资金额" in done.stdout


def test_installed_campaign_without_a_data_folder_says_how_to_name_one(installed):
    done = run_installed(installed, "kpis")
    assert done.returncode == 2
    assert done.stdout == ""
    missing = installed["elsewhere"] / "data"
    assert done.stderr.strip() == (
        f"找不到数据文件夹 {missing}：用 --data 文件夹 指定，或设置环境变量 CAMPAIGN_DATA"
        "（示例数据：campaign sample --out data）"
    )


# ---------------------------------------------------------------- declared dependencies


def third_party_imports(*folders: str) -> set[str]:
    """Top-level modules imported by the shipped code that are not its own or the stdlib's."""
    own = {"campaign", "app_pages"}
    found: set[str] = set()
    files = [ROOT / "dashboard.py"]
    for folder in folders:
        files += (ROOT / folder).rglob("*.py")
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found - own if m not in sys.stdlib_module_names and m != "__future__"}


def test_every_module_the_app_imports_comes_from_a_declared_dependency():
    declared = {canonical(Requirement(r).name) for r in PYPROJECT["project"]["dependencies"]}
    providers = importlib.metadata.packages_distributions()
    undeclared = {
        module: providers.get(module)
        for module in third_party_imports("campaign", "app_pages")
        if not {canonical(d) for d in providers.get(module, [])} & declared
    }
    assert undeclared == {}


def test_the_tools_and_benchmarks_imports_are_declared_in_the_dev_extra():
    declared = {
        canonical(Requirement(r).name)
        for r in [
            *PYPROJECT["project"]["dependencies"],
            *PYPROJECT["project"]["optional-dependencies"]["dev"],
        ]
    }
    providers = importlib.metadata.packages_distributions()
    local = {p.stem for p in (ROOT / "benchmarks").glob("*.py")} | {
        "loopback",
        "conftest",
        "tests",
        "benchmarks",
    }
    undeclared = {
        module
        for module in third_party_imports("tests", "benchmarks", "deploy") - local
        if not {canonical(d) for d in providers.get(module, [])} & declared
    }
    assert undeclared == set()


# ---------------------------------------------------------------- the locks


def lock(name: str) -> dict[str, tuple[str, list[str]]]:
    """name → (version, hashes) for each requirement of a lock file."""
    text = (ROOT / name).read_text(encoding="utf-8")
    entries: dict[str, tuple[str, list[str]]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        first = block.split("\\", 1)[0].strip()
        if not first or first.startswith("#"):
            continue
        requirement = Requirement(first)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"{name}: {first} is not pinned"
        entries[canonical(requirement.name)] = (
            spec.version,
            re.findall(r"--hash=sha256:\w{64}", block),
        )
    return entries


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_every_package_in_a_lock_is_pinned_with_its_hashes(name):
    entries = lock(name)
    assert entries
    assert {n for n, (_, hashes) in entries.items() if not hashes} == set()


def test_the_runtime_lock_has_no_test_tools_and_the_dev_lock_the_same_runtime_versions():
    runtime, dev = lock("requirements.txt"), lock("requirements-dev.txt")
    assert DEV_TOOLS & set(runtime) == set()
    assert DEV_TOOLS <= set(dev)
    assert {n: v for n, (v, _) in runtime.items()} == {n: dev[n][0] for n in runtime}


def test_every_declared_dependency_is_in_the_locks():
    runtime, dev = lock("requirements.txt"), lock("requirements-dev.txt")
    for requirement in map(Requirement, PYPROJECT["project"]["dependencies"]):
        assert requirement.specifier.contains(runtime[canonical(requirement.name)][0])
    for requirement in map(Requirement, PYPROJECT["project"]["optional-dependencies"]["dev"]):
        assert requirement.specifier.contains(dev[canonical(requirement.name)][0])
    assert {"httpx", "authlib"} <= set(runtime)  # streamlit[auth]


# ---------------------------------------------------------------- a machine without git


def test_the_benchmark_report_has_an_empty_commit_on_a_machine_without_git(monkeypatch, tmp_path):
    """A clean Debian has no git: the benchmark run records no commit instead of failing."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import run_all

    monkeypatch.delenv("BENCH_COMMIT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no git on the PATH
    assert run_all.git_commit() == ""
    monkeypatch.setenv("BENCH_COMMIT", "abc1234")
    assert run_all.git_commit() == "abc1234"


def test_the_type_check_baseline_ignores_the_order_mypy_prints_a_union_in():
    """mypy's order of a union's members depends on the hash seed: a fresh checkout printed
    "date | str | float" where the baseline had "date | float | str", and CI failed on an
    error that was not new."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("typecheck", ROOT / ".ci" / "typecheck.py")
    assert spec is not None and spec.loader is not None
    typecheck = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(typecheck)
    template = 'Argument 2 to "fill" has incompatible type "list[dict[str, {}]]"  [arg-type]'
    orders = ("date | str | float | None", "date | float | str | None", "None | float | date | str")
    assert len({typecheck.normalised(template.format(order)) for order in orders}) == 1
    nested = 'type "Callable[[int | str, bytes], tuple[B | A, ...]] | None"'
    assert (
        typecheck.normalised(nested)
        == 'type "Callable[[int | str, bytes], tuple[A | B, ...]] | None"'
    )
    # other differences still count
    assert typecheck.normalised(template.format("date | str")) != typecheck.normalised(
        template.format("date | int")
    )
