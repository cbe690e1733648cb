"""Django 2.2.3: truncate an HTML snippet to a number of words, as the truncatewords_html filter does."""

from django.conf import settings

if not settings.configured:
    settings.configure()

from django.utils.text import Truncator


def target(s: str) -> str:
    return Truncator(s).words(10, html=True)
