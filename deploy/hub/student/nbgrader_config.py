"""nbgrader settings for a student's server on the course's JupyterHub (on JUPYTER_CONFIG_PATH).

The Assignments tab lists, fetches and submits through the course's exchange; Validate uses the
same time limits as the student bundle.
"""
import os

c = get_config()  # noqa: F821 -- provided by traitlets when it loads this file

HERE = os.path.dirname(os.path.abspath(__file__))
load_subconfig(os.path.join(HERE, "..", "..", "..", "autograder", "student", "nbgrader_config.py"))  # noqa: F821

c.CourseDirectory.course_id = "nnfs"
c.Exchange.root = os.environ.get("NNFS_EXCHANGE", "/srv/nbgrader/exchange")
