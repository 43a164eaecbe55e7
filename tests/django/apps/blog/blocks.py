"""`BodyBlock`, the StreamField of WAG017's example (`from .blocks import BodyBlock`)."""

from wagtail import blocks


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock()
    paragraph = blocks.RichTextBlock()
