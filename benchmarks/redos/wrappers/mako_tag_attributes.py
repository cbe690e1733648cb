"""Mako 1.2.1: compile a template."""

from mako.template import Template


def target(s: str) -> str:
    return Template(s).code
