"""Build every distribution's wheel and sdist, install each wheel alone into a fresh venv, import it.

What a user outside this repository gets: ``pip install`` of one wheel, its dependencies from
the package index (our sibling distributions from the wheels built here), nothing from the
checkout. Each venv must import the distribution's packages from its own site-packages, report
the version its pyproject declares, and run its console scripts' ``--version``.

Run: ``python ci/check_wheels.py WORKDIR`` (``tox -e wheels``; needs ``uv``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
MEMBERS = sorted([*ROOT.glob("packages/*/pyproject.toml"), ROOT / "integration" / "pyproject.toml"])


def run(*command: str | Path, cwd: Path = ROOT) -> str:
    """``command``'s output; its stderr and exit status when it fails."""
    done = subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(map(str, command))}\n{done.stderr[-3000:]}")
    return done.stdout


def check(pyproject: Path, dist: Path, work: Path, uv: str) -> str:
    """Install the wheel of ``pyproject``'s distribution into a fresh venv and use it; one line."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    name, version = project["name"], project["version"]
    stem = name.replace("-", "_")
    wheels = list(dist.glob(f"{stem}-{version}-*.whl"))
    sdists = list(dist.glob(f"{stem}-{version}.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        found = [p.name for p in wheels + sdists]
        raise SystemExit(f"{name} {version}: expected one wheel and one sdist in {dist}, got {found}")
    with zipfile.ZipFile(wheels[0]) as archive:
        if not any(".dist-info/licenses/LICENSE" in member for member in archive.namelist()):
            raise SystemExit(f"{wheels[0].name}: no LICENSE in its .dist-info")
    venv = work / f"venv-{name}"
    run(uv, "venv", "--quiet", "--python", sys.executable, venv)
    python = venv / "bin" / "python"
    constraints = ROOT / "ci" / "constraints.txt"
    install = ("pip", "install", "--quiet", "--python", python, "-c", constraints, "--find-links", dist)
    run(uv, *install, wheels[0])
    packages = [Path(p).name for p in project_packages(pyproject)]
    probe = (
        "import importlib, importlib.metadata as m, sys\n"
        f"print(m.version({name!r}))\n"
        "for name in sys.argv[1:]:\n"
        "    print(importlib.import_module(name).__file__)\n"
    )
    lines = run(python, "-c", probe, *packages, cwd=work).splitlines()
    if lines[0] != version:
        raise SystemExit(f"{name}: installed version {lines[0]}, its pyproject says {version}")
    outside = [line for line in lines[1:] if not line.startswith(str(venv))]
    if outside:
        raise SystemExit(f"{name}: imported from outside its venv: {outside}")
    for script in project.get("scripts", {}):
        run(venv / "bin" / script, "--version", cwd=work)
    return f"{name} {version}: wheel + sdist built; the wheel alone installs, imports {', '.join(packages)}"


def project_packages(pyproject: Path) -> list[str]:
    """The import packages the wheel ships (hatch's ``packages``)."""
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return list(config["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"])


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python ci/check_wheels.py WORKDIR", file=sys.stderr)
        return 2
    work = Path(argv[0]).resolve()
    shutil.rmtree(work, ignore_errors=True)
    dist = work / "dist"
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    run(uv, "build", "--quiet", "--all-packages", "--out-dir", dist)
    for pyproject in MEMBERS:
        print(check(pyproject, dist, work, uv), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
