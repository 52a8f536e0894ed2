"""The instructor's grading command line, built on nbgrader."""
