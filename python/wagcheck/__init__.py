"""wagcheck: the Django/Wagtail pattern checker. The work is done by the `wagcheck`
binary installed with this package; `find_wagcheck_bin()` says where it is."""

from ._find_wagcheck import find_wagcheck_bin

__all__ = ["find_wagcheck_bin"]
