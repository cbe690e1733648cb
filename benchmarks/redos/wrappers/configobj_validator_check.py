"""configobj 5.0.8: check a value against a configspec check string (``validate.Validator.check``)."""

from configobj.validate import Validator


def target(s: str) -> object:
    return Validator().check(s, "1")
