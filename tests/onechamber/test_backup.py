"""`manage.py backup` and `manage.py restore`, on the test run's database.

Transactional: the database is replaced by another process (pg_restore) or
through SQLite's backup API, which no test transaction could roll back;
pytest-django flushes it after each test.
"""

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from meetings.models import Material, Meeting
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def quiet():
    return io.StringIO()


def table_contents() -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of its rows, in any order."""
    contents = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = sorted(
                repr(
                    tuple(
                        bytes(value) if isinstance(value, memoryview) else value
                        for value in row
                    )
                )
                for row in cursor.fetchall()
            )
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            contents[table] = (len(rows), digest)
    return contents


def tree_hashes() -> dict[str, str]:
    roots = {
        "media": Path(settings.MEDIA_ROOT),
        "editions": Path(settings.STORAGES["editions"]["OPTIONS"]["location"]),
    }
    return {
        f"{tree}/{path.relative_to(root).as_posix()}": hashlib.sha256(
            path.read_bytes()
        ).hexdigest()
        for tree, root in roots.items()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def rewrite(archive: Path, out: Path, *, change) -> Path:
    """A copy of `archive` where `change(name, data, manifest)` gives each member."""
    with tarfile.open(archive) as source:
        members = {m.name: source.extractfile(m).read() for m in source if m.isfile()}
    manifest = json.loads(members.pop("manifest.json"))
    changed = {}
    for name, data in members.items():
        new_name, new_data = change(name, data, manifest)
        changed[new_name] = new_data
    changed["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(out, "w:gz") as target:
        for name, data in changed.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))
    return out


def make_portal_data() -> Meeting:
    """The seed, an uploaded PDF and a distributed file."""
    call_command("load_seed", stdout=quiet())
    meeting = Meeting.objects.get(fiscal_year=2021, number=4)
    factories.make_material(
        meeting=meeting,
        title="アップロードした資料",
        content="pdf",
        order=99,
        file=factories.make_pdf_file(name="upload.pdf"),
    )
    editions = Path(settings.STORAGES["editions"]["OPTIONS"]["location"])
    (editions / "meeting-1").mkdir(parents=True)
    (editions / "meeting-1" / "edition-1.pdf").write_bytes(factories.make_pdf_bytes())
    return meeting


def test_a_round_trip_of_the_seed_and_uploads_is_identical(tmp_path):
    meeting = make_portal_data()
    upload = Path(Material.objects.get(title="アップロードした資料").file.path)
    tables, files = table_contents(), tree_hashes()
    assert upload.is_file()
    assert len(files) == 2
    assert tables["meetings_material"][0] > 1

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=quiet())

    meeting.materials.all().delete()
    Meeting.objects.filter(pk=meeting.pk).update(topic="書き換えた")
    upload.unlink()
    (upload.parent / "later.pdf").write_bytes(b"%PDF-1.7 later")
    assert table_contents() != tables
    assert tree_hashes() != files

    out = quiet()
    call_command("restore", str(archive), "--yes", stdout=out)

    assert table_contents() == tables
    assert tree_hashes() == files
    assert "復元しました" in out.getvalue()
    assert f"{sum(n for n, _ in tables.values())} 行" in out.getvalue()


def test_the_manifest_describes_the_archive(tmp_path):
    make_portal_data()
    tables = table_contents()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=quiet())

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
        hashes = {
            m.name: hashlib.sha256(tar.extractfile(m).read()).hexdigest()
            for m in tar
            if m.isfile() and m.name != "manifest.json"
        }
    database = {"sqlite": "database/db.sqlite3", "postgresql": "database/db.dump"}
    assert names[-1] == "manifest.json"
    assert manifest["format_version"] == 1
    assert manifest["database"] == {
        "vendor": connection.vendor,
        "file": database[connection.vendor],
    }
    assert manifest["row_counts"] == {table: n for table, (n, _) in tables.items()}
    assert manifest["migrations"]["meetings"].startswith("00")
    assert {name: f["sha256"] for name, f in manifest["files"].items()} == hashes
    assert sorted(hashes) == sorted([database[connection.vendor], *tree_hashes()])


def test_backup_refuses_to_overwrite_without_force(tmp_path):
    archive = tmp_path / "backup.tar.gz"
    archive.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="--force"):
        call_command("backup", str(archive), stdout=quiet())
    assert archive.read_bytes() == b"an older backup"

    call_command("backup", str(archive), "--force", stdout=quiet())
    assert tarfile.is_tarfile(archive)
    assert [p.name for p in tmp_path.iterdir()] == ["backup.tar.gz"]


def test_backup_into_a_folder_names_the_file_by_date(tmp_path):
    call_command("backup", str(tmp_path), stdout=quiet())
    (made,) = tmp_path.iterdir()
    assert made.name.startswith("onechamber-")
    assert made.name.endswith(".tar.gz")


def test_a_tampered_archive_is_refused_before_anything_changes(tmp_path):
    make_portal_data()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=quiet())
    tampered = rewrite(
        archive,
        tmp_path / "tampered.tar.gz",
        change=lambda name, data, manifest: (
            name,
            data + b"x" if name.startswith("media/") else data,
        ),
    )
    Meeting.objects.update(topic="復元されないはず")
    Path(settings.MEDIA_ROOT, "later.pdf").write_bytes(b"%PDF-1.7 later")
    tables, files = table_contents(), tree_hashes()

    with pytest.raises(CommandError, match="1 個のファイルが manifest と一致しません"):
        call_command("restore", str(tampered), "--yes", stdout=quiet())

    assert table_contents() == tables
    assert tree_hashes() == files
    # No staging folder is left beside the trees.
    assert sorted(p.name for p in Path(settings.MEDIA_ROOT).parent.iterdir()) == [
        "backup.tar.gz",
        "editions",
        "media",
        "tampered.tar.gz",
    ]


def test_a_backup_of_another_database_vendor_is_refused(tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=quiet())
    other, other_file = (
        ("postgresql", "database/db.dump")
        if connection.vendor == "sqlite"
        else ("sqlite", "database/db.sqlite3")
    )

    def as_other_vendor(name, data, manifest):
        if name.startswith("database/"):
            manifest["database"] = {"vendor": other, "file": other_file}
            manifest["files"][other_file] = manifest["files"].pop(name)
            return other_file, data
        return name, data

    moved = rewrite(archive, tmp_path / "other.tar.gz", change=as_other_vendor)
    with pytest.raises(CommandError, match=f"このバックアップは {other} の"):
        call_command("restore", str(moved), "--yes", stdout=quiet())


def test_restore_without_yes_refuses_when_it_cannot_ask(tmp_path, monkeypatch):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=quiet())
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive), stdout=quiet())


def test_restore_asks_and_stops_unless_told_yes(tmp_path, monkeypatch):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=quiet())
    Meeting.objects.update(topic="そのまま")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="取りやめました"):
        call_command("restore", str(archive), stdout=quiet())
    assert set(Meeting.objects.values_list("topic", flat=True)) <= {"そのまま"}
