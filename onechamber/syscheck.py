"""Check the system libraries WeasyPrint needs, naming the package to install.

Run by `make run` and `make test` before anything else: ``python -m onechamber.syscheck``.
"""

import ctypes.util
import sys

# Debian/Ubuntu package names; other systems name the same libraries alike.
REQUIRED = {
    "pango-1.0": "libpango-1.0-0",
    "pangoft2-1.0": "libpangoft2-1.0-0",
    "harfbuzz": "libharfbuzz0b",
    "fontconfig": "libfontconfig1",
}
# Optional, but without it embedding the Japanese font subset takes seconds.
RECOMMENDED = {"harfbuzz-subset": "libharfbuzz-subset0"}


def missing(libraries: dict[str, str]) -> list[str]:
    return [
        pkg for lib, pkg in libraries.items() if ctypes.util.find_library(lib) is None
    ]


def main() -> int:
    required = missing(REQUIRED)
    if required:
        print(
            "WeasyPrint（PDF作成）に必要なライブラリがありません / missing libraries:\n"
            f"  sudo apt-get install {' '.join(required)}",
            file=sys.stderr,
        )
        return 1
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        print(f"WeasyPrint cannot load its libraries: {exc}", file=sys.stderr)
        return 1
    recommended = missing(RECOMMENDED)
    if recommended:
        print(
            "注意：PDFの作成が遅くなります。次のパッケージを入れてください / recommended:\n"
            f"  sudo apt-get install {' '.join(recommended)}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
