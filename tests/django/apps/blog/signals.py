"""`content_changed`, the custom signal of SIG003's example (`from .signals import content_changed`)."""

from django.dispatch import Signal

content_changed = Signal()
