"""fpdf2 as the PDF writer uses it, imported without numpy.

fpdf2 imports numpy when it can, to parse raster images faster (LZW, alpha channels). The report
draws no raster image (its charts are vector graphics: metrics.reports.pdf_chart), and numpy
would be about 0.14 s of a PDF process that otherwise loads neither numpy nor pandas. So while
fpdf2 is imported, `import numpy` fails as if numpy were not installed, which fpdf2 expects (it
then parses any image in plain Python); a process that has numpy loaded already (a dashboard
that showed a table) keeps it for fpdf2 too.
"""

from __future__ import annotations

import sys

_HIDE_NUMPY = "numpy" not in sys.modules
if _HIDE_NUMPY:
    sys.modules["numpy"] = None  # type: ignore[assignment]  # the import system's "not installed"
try:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos
    from fpdf.fonts import TTFFont
finally:
    if _HIDE_NUMPY:
        del sys.modules["numpy"]

__all__ = ["FPDF", "TTFFont", "XPos", "YPos"]
