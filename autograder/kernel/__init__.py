"""The kernel side of grading: the sandbox, the fork server of kernels, the notebook's run, and the
call server through which the judge reaches the student's functions (plain data only)."""
