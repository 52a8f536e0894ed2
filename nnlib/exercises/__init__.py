"""The checks behind each unit's test cells, one module per unit (``unit04``, ``unit05``, ...).

A test cell in a notebook is one short call, e.g. ``check.mse(mse)``, with the unit's module
imported in the setup cell as ``from nnlib.exercises import unit04 as check``. The module holds
what the student need not read: the visible cases, the reference, and the catalogue of typical
mistakes with the advice each one gets. Hidden cases are built in the hidden part of the grade
cell (so they never reach the released notebook) and passed in with ``cases=..., reveal=False``.
"""
