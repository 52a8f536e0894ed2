"""Interactive explorers for the course notebooks.

:mod:`nnlib.widgets.base` holds the generic pieces (the :class:`Explorer` and control
factories); each unit's explorers live in their own module next to it.
"""
from nnlib.widgets.base import (Explorer, checkbox, dropdown, float_slider, html_table,
                                int_slider, log_slider, play_control)

__all__ = ["Explorer", "checkbox", "dropdown", "float_slider", "html_table", "int_slider",
           "log_slider", "play_control"]
