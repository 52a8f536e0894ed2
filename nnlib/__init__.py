"""nnlib: the small neural-network library of the course Neural Networks from Scratch.

One concept per module: ``activations``, ``losses``, ``network``, ``optim``, ``train``,
``gradcheck``, ``graph``, ``datasets``, ``plotting``, ``widgets``, plus ``tolerance`` (the course's
one rule for comparing floats) and ``checks`` (what the notebooks' tests call).
Import the module you need: ``from nnlib import activations``.
"""
__version__ = "0.1.0"
