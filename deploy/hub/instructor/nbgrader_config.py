"""nbgrader settings for an instructor's server on the course's JupyterHub (on JUPYTER_CONFIG_PATH).

The formgrader and the other instructor tools work on the course folder NNFS_COURSE_ROOT (a
checkout of this repository) with its own nbgrader_config.py, and the exchange is the class's.
"""
import os

c = get_config()  # noqa: F821 -- provided by traitlets when it loads this file

COURSE_ROOT = os.environ.get("NNFS_COURSE_ROOT",
                             os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
load_subconfig(os.path.join(COURSE_ROOT, "nbgrader_config.py"))  # noqa: F821

c.CourseDirectory.course_id = "nnfs"
c.Exchange.root = os.environ.get("NNFS_EXCHANGE", "/srv/nbgrader/exchange")
