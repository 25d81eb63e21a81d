"""The seed data under fixtures/, read as TOML."""

import tomllib
from pathlib import Path

from django.conf import settings


def fixture_path(name: str) -> Path:
    """fixtures/<name>.toml in the project folder."""
    return Path(settings.BASE_DIR) / "fixtures" / f"{name}.toml"


def read_fixture(path: Path) -> dict:
    with path.open("rb") as f:
        return tomllib.load(f)
