"""The registry of section kinds refuses a key registered twice."""

import pytest
from django.utils.safestring import SafeString

from meetings import sections


def test_a_section_kind_registered_twice_is_refused():
    key = next(iter(sections.registry))
    before = sections.registry[key]
    with pytest.raises(sections.AlreadyRegistered):

        @sections.register(key, "二度目の登録")
        def render(material, *, request=None):
            return SafeString("")

    assert sections.registry[key] is before
