"""One archive of everything the portal keeps: the database and its files.

Layout of the archive (a gzipped tar, every path relative):

    database/db.dump        PostgreSQL: `pg_dump -Fc` of the configured database
    database/db.sqlite3     SQLite: a copy made with SQLite's online backup API
    media/...               MEDIA_ROOT (uploaded PDFs)
    editions/...            the editions storage (distributed packets)
    manifest.json           last: what the archive holds and the sha256 of each file

The manifest comes last because each file's sha256 is taken while the file is
written into the archive: it describes the bytes archived, even of a file that
changed while being read. Restoring reads the whole archive into a staging area
and checks it before anything in place is touched.

Ground floor: this module imports Django and no app of the portal.
"""

import contextlib
import hashlib
import importlib.metadata
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

FORMAT = "onechamber-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"postgresql": "database/db.dump", "sqlite": "database/db.sqlite3"}
TREES = ("media", "editions")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


def tree_roots() -> dict[str, Path]:
    """The folders of files the archive holds, by their name in the archive."""
    roots = {
        "media": Path(settings.MEDIA_ROOT),
        "editions": Path(settings.STORAGES["editions"]["OPTIONS"]["location"]),
    }
    media, editions = (root.resolve() for root in roots.values())
    if media == editions or media in editions.parents or editions in media.parents:
        # Each tree is replaced as a whole on restore: nested, one would
        # replace the other's files.
        raise BackupError(
            f"MEDIA_ROOT ({media}) と版の保存先 ({editions}) が重なっています。"
            "別々のフォルダにしてください。"
        )
    return roots


def _database(alias: str = DEFAULT_DB_ALIAS):
    connection = connections[alias]
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(
            f"データベース {connection.vendor} のバックアップには対応していません。"
        )
    return connection


def _pg_command(program: str, settings_dict: dict) -> tuple[list[str], dict]:
    """A PostgreSQL client's argv (connection options) and environment."""
    argv = [program, "--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            argv.append(f"{option}={settings_dict[key]}")
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    for key, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(key):
            env[variable] = str(options[key])
    return argv, env


def _run(argv: list[str], env: dict) -> None:
    try:
        result = subprocess.run(  # noqa: S603 (argv from settings, no shell)
            argv, env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as error:
        raise BackupError(
            f"{argv[0]} が見つかりません。PostgreSQL のクライアントを入れてください。"
        ) from error
    if result.returncode != 0:
        raise BackupError(f"{argv[0]} が失敗しました:\n{result.stderr.strip()}")


def _sqlite_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    return [name for (name,) in cursor.fetchall()]


def _quote(name: str) -> str:
    return '"{}"'.format(name.replace('"', '""'))


def _state(cursor, tables: list[str]) -> tuple[dict[str, str], dict[str, int]]:
    """Latest applied migration per app, and row counts per table."""
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    migrations = {}
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        for app, name in cursor.fetchall():
            migrations[app] = name
    return dict(sorted(migrations.items())), counts


def database_state(alias: str = DEFAULT_DB_ALIAS) -> tuple[dict, dict]:
    """Migrations and row counts of the configured database as it is now."""
    connection = _database(alias)
    if connection.vendor == "sqlite":
        db = sqlite3.connect(connection.settings_dict["NAME"], timeout=20)
        try:
            return _state(db.cursor(), _sqlite_tables(db.cursor()))
        finally:
            db.close()
    with connection.cursor() as cursor:
        return _state(cursor, sorted(connection.introspection.table_names(cursor)))


def _dump_database(connection, target: Path) -> tuple[dict, dict]:
    """Write the database to `target`; its migrations and row counts, as dumped."""
    if connection.vendor == "sqlite":
        src = sqlite3.connect(connection.settings_dict["NAME"], timeout=20)
        dst = sqlite3.connect(target)
        try:
            # One step (pages=-1): a consistent copy even while others write.
            src.backup(dst)
            return _state(dst.cursor(), _sqlite_tables(dst.cursor()))
        finally:
            dst.close()
            src.close()
    if connection.in_atomic_block:
        raise BackupError("バックアップはトランザクションの外で実行してください。")
    # Counts and dump read one snapshot: the manifest describes the dump
    # exactly, even while the portal writes.
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            state = _state(cursor, sorted(connection.introspection.table_names(cursor)))
            argv, env = _pg_command("pg_dump", connection.settings_dict)
            _run(
                [
                    *argv,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    connection.settings_dict["NAME"],
                ],
                env,
            )
        finally:
            cursor.execute("ROLLBACK")
    return state


class _HashingReader(io.RawIOBase):
    """Reads a file for tarfile, hashing exactly the bytes archived."""

    def __init__(self, file):
        self.file = file
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.sha256.update(data)
        return data


def _add_file(archive: tarfile.TarFile, path: Path, name: str) -> dict:
    with path.open("rb") as file:
        info = archive.gettarinfo(fileobj=file, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _HashingReader(file)
        archive.addfile(info, reader)
    return {"sha256": reader.sha256.hexdigest(), "size": info.size}


def _tree_files(root: Path) -> list[tuple[Path, str]]:
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder, name)
            if path.is_file():
                found.append((path, path.relative_to(root).as_posix()))
    return found


@dataclass
class Summary:
    vendor: str
    created_at: str
    tables: int
    rows: int
    files: dict[str, int] = field(default_factory=dict)


def _summary(manifest: dict) -> Summary:
    files = dict.fromkeys(TREES, 0)
    for name in manifest["files"]:
        tree = name.split("/", 1)[0]
        if tree in files:
            files[tree] += 1
    return Summary(
        vendor=manifest["database"]["vendor"],
        created_at=manifest["created_at"],
        tables=len(manifest["row_counts"]),
        rows=sum(manifest["row_counts"].values()),
        files=files,
    )


def create_backup(
    out: Path, *, force: bool = False, alias: str = DEFAULT_DB_ALIAS
) -> tuple[Path, Summary]:
    """Write the archive to `out` (a file, or a new file in the folder `out`)."""
    connection = _database(alias)
    roots = tree_roots()
    if out.is_dir():
        stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M%S")
        out = out / f"onechamber-{stamp}.tar.gz"
    if out.exists() and not force:
        raise BackupError(
            f"{out} はすでにあります。上書きするには --force を付けます。"
        )
    if not out.parent.is_dir():
        raise BackupError(f"フォルダ {out.parent} がありません。")
    created_at = timezone.localtime().isoformat(timespec="seconds")
    database_name = DATABASE_FILES[connection.vendor]
    # Beside `out`, so that the rename is atomic; mkstemp makes it 0600 (the
    # archive holds every account's password hash).
    fd, tmp_name = tempfile.mkstemp(
        dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"
    )
    tmp = Path(tmp_name)
    try:
        with (
            tempfile.TemporaryDirectory() as work,
            os.fdopen(fd, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz") as archive,
        ):
            # The database first: every file a row points to was written
            # before the row, so it is in the trees copied next.
            dump = Path(work) / "db"
            migrations, row_counts = _dump_database(connection, dump)
            files = {database_name: _add_file(archive, dump, database_name)}
            dump.unlink()
            for tree, root in roots.items():
                for path, relative in _tree_files(root):
                    name = f"{tree}/{relative}"
                    files[name] = _add_file(archive, path, name)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": created_at,
                "django_version": django.get_version(),
                "onechamber_version": _version(),
                "database": {"vendor": connection.vendor, "file": database_name},
                "migrations": migrations,
                "row_counts": row_counts,
                "files": files,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(data))
            archive.close()
            raw.flush()
            os.fsync(raw.fileno())
        if force:
            tmp.replace(out)
        else:
            # A hard link never replaces: a file that appeared meanwhile stays.
            try:
                os.link(tmp, out)
            except FileExistsError as error:
                raise BackupError(
                    f"{out} はすでにあります。上書きするには --force を付けます。"
                ) from error
            tmp.unlink()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out, _summary(manifest)


def _version() -> str:
    try:
        return importlib.metadata.version("onechamber")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _member_name(member: tarfile.TarInfo) -> str:
    name = PurePosixPath(member.name)
    if (
        name.is_absolute()
        or ".." in name.parts
        or not (member.isfile() or member.isdir())
    ):
        raise BackupError(f"アーカイブに不正な項目があります: {member.name}")
    return name.as_posix()


@dataclass
class _Staged:
    manifest: dict
    database: Path
    trees: dict[str, Path]


def _stage(
    archive_path: Path, roots: dict[str, Path], work: Path, cleanup: list[Path]
) -> _Staged:
    """Unpack the archive beside its destinations and check it against its manifest.

    Staging folders are added to `cleanup` as they are made, for the caller
    to remove whatever happens.
    """
    trees = {}
    for tree, root in roots.items():
        root.parent.mkdir(parents=True, exist_ok=True)
        trees[tree] = Path(
            tempfile.mkdtemp(dir=root.parent, prefix=f".{root.name}.restore-")
        )
        cleanup.append(trees[tree])
    database = work / "db"
    hashes: dict[str, dict] = {}
    manifest_data = None
    try:
        with tarfile.open(archive_path, mode="r:*") as archive:
            for member in archive:
                name = _member_name(member)
                if member.isdir():
                    continue
                source = archive.extractfile(member)
                if name == MANIFEST:
                    manifest_data = source.read()
                    continue
                tree, _, relative = name.partition("/")
                if name in DATABASE_FILES.values():
                    target = database
                elif tree in trees and relative:
                    target = trees[tree] / relative
                else:
                    raise BackupError(f"アーカイブに不明なファイルがあります: {name}")
                if name in hashes:
                    raise BackupError(f"アーカイブに同じファイルが二度あります: {name}")
                target.parent.mkdir(parents=True, exist_ok=True)
                sha256 = hashlib.sha256()
                size = 0
                with target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        sha256.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                hashes[name] = {"sha256": sha256.hexdigest(), "size": size}
    except (OSError, tarfile.TarError, EOFError) as error:
        raise BackupError(f"{archive_path} を読めません: {error}") from error
    if manifest_data is None:
        raise BackupError(f"{archive_path} に {MANIFEST} がありません。")
    try:
        manifest = json.loads(manifest_data)
        if manifest.get("format") != FORMAT:
            raise ValueError("not an onechamber backup")
        expected = manifest["files"]
        vendor = manifest["database"]["vendor"]
        manifest["row_counts"]  # noqa: B018 (checked here, used later)
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{MANIFEST} が読めません: {error}") from error
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"形式 {manifest.get('format_version')} のバックアップには対応していません"
            f"（対応: {FORMAT_VERSION}）。"
        )
    if DATABASE_FILES.get(vendor) not in hashes:
        raise BackupError("アーカイブにデータベースがありません。")
    bad = sorted(
        name
        for name in expected.keys() | hashes.keys()
        if expected.get(name) != hashes.get(name)
    )
    if bad:
        listed = "\n  ".join(bad[:20])
        raise BackupError(
            f"{len(bad)} 個のファイルが manifest と一致しません"
            f"（壊れているか、欠けているか、余分です）:\n  {listed}"
        )
    return _Staged(manifest=manifest, database=database, trees=trees)


def _restore_database(connection, dump: Path) -> None:
    # Our own connections would hold locks the restore waits for.
    connections.close_all()
    if connection.vendor == "sqlite":
        # Written through SQLite, not by replacing the file: processes that
        # keep the database open (the server, the worker) read the restored
        # pages, and no stale -wal or -journal file outlives it.
        src = sqlite3.connect(dump)
        dst = sqlite3.connect(connection.settings_dict["NAME"], timeout=20)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return
    argv, env = _pg_command("pg_restore", connection.settings_dict)
    # --clean --if-exists drops what the dump recreates (without it, every
    # existing table is an error); one transaction, so a failure changes nothing.
    _run(
        [
            *argv,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        env,
    )


def _swap_tree(staged: Path, root: Path) -> None:
    """Put the staged tree where `root` is, replacing it whole."""
    old = None
    # mkdtemp made the staged folder private; it takes the mode of the folder
    # it replaces.
    staged.chmod(root.stat().st_mode & 0o7777 if root.exists() else 0o755)
    if root.exists():
        old = Path(tempfile.mkdtemp(dir=root.parent, prefix=f".{root.name}.old-"))
        old.rmdir()
        root.rename(old)
    staged.rename(root)
    if old is not None:
        shutil.rmtree(old)


def read_manifest(archive_path: Path) -> dict:
    """The manifest of an archive, unchecked (to describe it before restoring)."""
    try:
        with tarfile.open(archive_path, mode="r:*") as archive:
            member = archive.getmember(MANIFEST)
            return json.loads(archive.extractfile(member).read())
    except (OSError, KeyError, ValueError, tarfile.TarError) as error:
        raise BackupError(
            f"{archive_path} はバックアップとして読めません: {error}"
        ) from error


def restore_backup(archive_path: Path, *, alias: str = DEFAULT_DB_ALIAS) -> Summary:
    """Replace the database and the file trees by the archive's, after checking it."""
    connection = _database(alias)
    roots = tree_roots()
    cleanup: list[Path] = []
    with tempfile.TemporaryDirectory() as work:
        try:
            staged = _stage(archive_path, roots, Path(work), cleanup)
            vendor = staged.manifest["database"]["vendor"]
            if vendor != connection.vendor:
                raise BackupError(
                    f"このバックアップは {vendor} のデータベースのものです。設定されている"
                    f"データベースは {connection.vendor} なので復元できません。"
                    f"同じ種類のデータベースに復元してください。"
                )
            _restore_database(connection, staged.database)
            for tree, root in roots.items():
                _swap_tree(staged.trees[tree], root)
        finally:
            for path in cleanup:
                with contextlib.suppress(FileNotFoundError):
                    shutil.rmtree(path)
    _, counts = database_state(alias)
    expected = staged.manifest["row_counts"]
    differ = sorted(
        table
        for table in expected.keys() | counts.keys()
        if expected.get(table) != counts.get(table)
    )
    if differ:
        listed = "\n  ".join(
            f"{table}: {expected.get(table)} → {counts.get(table)}" for table in differ
        )
        raise BackupError(f"復元後の行数がバックアップと違います:\n  {listed}")
    return _summary(staged.manifest)
