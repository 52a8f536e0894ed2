"""nbgrader settings for students: the Validate button reads this file.

Validate runs the whole notebook the way the grader will and lists the tests that fail. It stops a
cell that runs longer than the grader allows, so an answer that passes here is not too slow there.
"""
c = get_config()  # noqa: F821 -- provided by traitlets when it loads this file

# The same time limit per cell as the instructor's grading.
c.ExecutePreprocessor.timeout = 60
c.Execute.timeout = 60
