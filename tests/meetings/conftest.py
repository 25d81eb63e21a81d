import pytest
from django.utils.html import format_html

from meetings import sections

TEST_KIND = "tests.wide_table"


@pytest.fixture
def wide_section():
    """A landscape section kind registered for the test only, as an app would."""
    previous = sections.registry.get(TEST_KIND)

    @sections.register(TEST_KIND, "テスト用の横長の表", landscape=True)
    def render(material, *, request=None):
        return format_html(
            '<table class="test-table"><thead><tr><th>連携項目名</th>'
            "<th>担当部局</th></tr></thead><tbody><tr><td>{}</td><td>{}</td></tr>"
            "</tbody></table>",
            f"生成された表：{material.title}",
            "ワンチームとやま推進室",
        )

    yield sections.registry[TEST_KIND]
    if previous is None:
        del sections.registry[TEST_KIND]
    else:
        sections.registry[TEST_KIND] = previous
