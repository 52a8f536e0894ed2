"""The judge: runs the grade cells (hidden tests included) outside the student's process and
decides every score; the student's functions are reached through the kernel, as plain data."""
