"""Do the pip set-up and the conda set-up install the same packages?"""
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def requirement(text):
    """('name', 'constraint') from 'name>=1.0' (pip) or 'name=1.0' / 'name>=1.0' (conda)."""
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", text)
    name = match.group(1).lower().replace("_", "-")
    constraint = match.group(2).replace(" ", "")
    if re.fullmatch(r"=[^=].*", constraint):  # conda's exact pin name=1.0 is pip's name==1.0
        constraint = "=" + constraint
    return name, constraint


#: Optional extras that environment.yml leaves out: PyTorch, for one column of a benchmark only.
NOT_IN_CONDA = ("bench",)


def pip_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = [r for name, extra in project["optional-dependencies"].items() if name not in NOT_IN_CONDA
              for r in extra]
    return dict(requirement(line) for line in project["dependencies"] + extras)


def conda_requirements():
    """The conda packages of environment.yml, read without a YAML library (it is a plain list)."""
    packages, section = {}, None
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if re.match(r"^\w", line):
            section = line.split(":")[0]
        match = re.match(r"^  - ([^\s#].*)$", line)  # two-space indent: the list itself, not pip's
        if section == "dependencies" and match and not match.group(1).startswith("pip"):
            name, constraint = requirement(match.group(1))
            if name != "python":
                packages[name] = constraint
    return packages


def test_environment_yml_lists_the_same_packages_as_pyproject():
    """Does environment.yml list exactly pyproject's packages, with the same version constraints?"""
    assert conda_requirements() == pip_requirements()


def test_environment_yml_installs_the_project_itself():
    """Does the conda environment install nnlib and the autograder, as the pip set-up does?"""
    assert "--editable ." in (ROOT / "environment.yml").read_text()


def test_environment_yml_pins_the_python_the_course_supports():
    """Is conda's Python the one pyproject requires?"""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
    assert "  - python=3.11" in (ROOT / "environment.yml").read_text().splitlines()


def test_installed_package_data_includes_the_digits():
    """Does the installed nnlib carry its data file (nothing is downloaded at run time)?"""
    import nnlib

    assert (Path(nnlib.__file__).parent / "data" / "digits.npz").is_file()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "data/*.npz" in project["tool"]["setuptools"]["package-data"]["nnlib"]
