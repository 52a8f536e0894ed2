"""Does the quick start say what it is doing while it installs, instead of minutes of silence?"""
import subprocess

import quickstart


def test_pip_install_shows_each_package_as_it_goes(capfd):
    """Does a real pip run through quickstart print a running count of the packages and end cleanly?"""
    quickstart.pip_install("tqdm", "numpy", live=True)  # both installed already: pip only resolves them
    out = capfd.readouterr().out
    assert "[quickstart] pip install" in out
    assert "1 package(s) resolved: tqdm" in out and "2 package(s) resolved: numpy" in out


def test_pip_install_writes_plain_lines_to_a_log(capfd):
    """Printing to a log (CI, a pipe), does the count come as whole lines, with no carriage returns?"""
    quickstart.pip_install("tqdm", "numpy", live=False)  # installed already: pip only resolves them
    out = capfd.readouterr().out
    assert "\r" not in out
    assert "[quickstart]   2 package(s) resolved\n" in out


def test_a_failing_pip_install_shows_pips_own_words(capfd):
    """When pip fails, does quickstart stop with pip's last lines rather than a bare error?"""
    try:
        quickstart.pip_install("--no-index", "a-package-that-does-not-exist-nnfs")
    except subprocess.CalledProcessError:
        pass
    else:
        raise AssertionError("pip should have failed")
    err = capfd.readouterr().err
    assert "a-package-that-does-not-exist-nnfs" in err


def test_unknown_quickstart_command_prints_the_usage_and_exits_2(capsys):
    """Does an unknown quickstart command print the usage (with formgrader and my-work) and exit 2?"""
    assert quickstart.main(["frobnicate"]) == 2
    out = capsys.readouterr().out
    assert "quickstart.py formgrader" in out and "my-work/" in out


def test_formgrader_refuses_a_folder_that_is_no_course(tmp_path, capsys):
    """Does `quickstart.py formgrader DIR` refuse (exit 2) a folder without nbgrader_config.py, before installing anything?"""
    assert quickstart.main(["formgrader", str(tmp_path)]) == 2
    assert "has no nbgrader_config.py" in capsys.readouterr().out
