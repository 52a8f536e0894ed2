"""nbgrader's configuration for this course's layout.

nbgrader reads this file when it runs from the repository root (the instructor's JupyterLab and
command line do). Paths are relative to the root:

    solutions/<unit>/<unit>.ipynb                 source: solutions and hidden tests
    course/<unit>/<unit>.ipynb                    release: what students get
    autograder/submitted/<student>/<unit>/        collected submissions
    autograder/autograded/<student>/<unit>/       graded copies
    autograder/feedback/<student>/<unit>/         feedback pages
    autograder/gradebook.db                       the gradebook
"""
import os

c = get_config()  # noqa: F821 -- provided by traitlets when it loads this file

ROOT = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.root = ROOT
c.CourseDirectory.course_id = "nnfs"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "course"
c.CourseDirectory.submitted_directory = os.path.join("autograder", "submitted")
c.CourseDirectory.autograded_directory = os.path.join("autograder", "autograded")
c.CourseDirectory.feedback_directory = os.path.join("autograder", "feedback")
c.CourseDirectory.solution_directory = os.path.join("autograder", "solution")
c.CourseDirectory.source_with_tests_directory = os.path.join("autograder", "source_with_tests")
# The gradebook: autograder/gradebook.db, or the database NNFS_GRADEBOOK_URL names (any SQLAlchemy URL,
# e.g. postgresql+psycopg2://grader@dbhost/nnfs, so several graders work in the formgrader while grade writes).
c.CourseDirectory.db_url = (os.environ.get("NNFS_GRADEBOOK_URL")
                            or "sqlite:///" + os.path.join(ROOT, "autograder", "gradebook.db"))

# A cell that runs longer than this is stopped and scores zero (an infinite loop must not stall grading).
c.ExecutePreprocessor.timeout = 60
c.Execute.timeout = 60

# nbgrader scores a grade cell 0 when it writes anything to stderr. A Python warning printed by a
# correct answer (a RuntimeWarning from numpy, a DeprecationWarning) must not cost points; errors
# still do, because they arrive as error outputs, not as stderr text.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"(?m)^.*Warning: "

# Released notebooks must not carry the instructor's outputs.
c.ClearOutput.enabled = True

# `nbgrader validate` cuts every line of a failure at Validator.width - 3 characters (90 by default),
# which cut the checks' hints in half. A check's message is one line of at most 300 characters
# (nnlib.checks.MESSAGE_LIMIT), printed as "    CheckFailed: <message>": this width keeps it whole.
c.Validator.width = 320

# The formgrader takes MathJax from this Jupyter server (the jupyter-server-mathjax package), not from
# the internet, so formulas in written answers render offline: autograder/templates/formgrade/ holds
# the MathJax macro that replaces nbconvert's; nbgrader's own formgrader templates stay first. The
# templates are read from the installed course package, so a copy of this file at another course
# root (a demo's, a term's) needs no copy of them.
import nbgrader  # noqa: E402

try:
    # Found beside nnlib, which the course installs together with the autograder package: a course
    # root's own autograder/ folder (its gradebook and submissions) would shadow `import autograder`.
    import nnlib  # noqa: E402

    TEMPLATES = os.path.join(os.path.dirname(os.path.dirname(nnlib.__file__)), "autograder", "templates")
except ImportError:  # read outside the course's environment
    TEMPLATES = os.path.join(ROOT, "autograder", "templates")
c.HTMLExporter.extra_template_basedirs = [
    os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "templates"),
    TEMPLATES,
]
