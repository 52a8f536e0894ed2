"""nbgrader settings for a student's server on the course's JupyterHub (on JUPYTER_CONFIG_PATH).

The Assignments tab lists, fetches and submits through the course's exchange. Validate stops a
cell after the same time as grading does and prints a check's message whole: the values of the
student bundle's settings (autograder/student/nbgrader_config.py), repeated here because hub.py
closes autograder/ to students.
"""
import os

c = get_config()  # noqa: F821 -- provided by traitlets when it loads this file

c.CourseDirectory.course_id = "nnfs"
c.Exchange.root = os.environ.get("NNFS_EXCHANGE", "/srv/nbgrader/exchange")

c.ExecutePreprocessor.timeout = 60
c.Execute.timeout = 60
c.Validator.width = 320
