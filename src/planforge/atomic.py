"""Write output files so that a fault loses nothing and leaves nothing behind.

The files one command writes into a folder (a plan's HTML and PDF, or one report) are
a *set*, replaced together or not at all:

1. Each file is written in full into a private staging folder beside its target,
   ``.planforge-staging-<pid>-XXXXXXXX/``, and flushed to disk. A full disk, a
   read-only folder or any error up to here changes nothing but the staging folder,
   which is removed on every exit path (signals included: see :mod:`planforge.signals`).
2. The writer then records a ``COMMIT`` manifest and renames each file over its target,
   with SIGINT, SIGTERM and SIGHUP held, so a signal never splits a set.
3. A ``kill -9`` can still stop a writer anywhere. Its staging folder stays, but it holds
   a lock (``flock``) only while its writer lives, so the next planforge run that writes
   into that folder *sweeps* it: with a manifest it finishes the renames (the set is
   new), without one it deletes the staging folder (the set is old).

:func:`resolve_target` decides whether a path may be written at all: never a plan being
read, a folder, a device, FIFO or socket, and never through a symbolic link unless asked.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
import signal
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping

STAGING_PREFIX = ".planforge-staging-"
LOCK, MANIFEST = "lock", "COMMIT"
#: Temporary files of planforge 0.1 (``.<name>.XXXXXXXX.tmp``): swept as well.
_LEGACY_TEMP = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp")
_HELD = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
_rename = os.replace  # publishes one file; tests wrap it to stop a writer half-way


class OutputError(Exception):
    """A file cannot or must not be written (the message says why, in a user's words)."""


def _problem(path: str, exc: OSError) -> OutputError:
    return OutputError(f"cannot write {path}: {exc.strerror or exc}")


def resolve_target(
    path: str | os.PathLike[str],
    *,
    inputs: Iterable[str] = (),
    follow_symlinks: bool = False,
    streams: bool = False,
) -> str:
    """The file to write for ``path``, or :class:`OutputError` when it must not be written.

    Refused: a symbolic link (unless ``follow_symlinks``, then its target is written),
    a folder, anything that is not a regular file, and any of ``inputs``. With
    ``streams``, a character device or a FIFO (``-o /dev/null``, a named pipe) is
    accepted: :func:`write_files` writes into it instead of replacing it.
    """
    target = os.path.abspath(os.fspath(path))
    if os.path.islink(target):
        if not follow_symlinks:
            raise OutputError(
                f"{path} is a symbolic link (to {os.readlink(target)}); planforge does not write"
                " through links unless you pass --follow-symlinks"
            )
        target = os.path.realpath(target)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{path} is a folder, not a file")
    if streams and _is_stream(st.st_mode):
        return target
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(f"{path} is not a regular file (a device, FIFO or socket); not replaced")
    for source in inputs:
        with contextlib.suppress(OSError):
            if os.path.samefile(source, target):
                raise OutputError(f"{path} is the plan being read; write the output elsewhere")
    return target


def _is_stream(mode: int) -> bool:
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def write_files(files: Mapping[str, bytes], *, keep_metadata: bool = False) -> None:
    """Write ``files`` (resolved target path -> bytes) as one set; :class:`OutputError` if not.

    Targets in several folders get a staging folder each; the set is then only as
    atomic as the gap between their manifests. A character device or FIFO that
    :func:`resolve_target` let through is written into, as a stream. With
    ``keep_metadata``, a replaced file's mode (and, where allowed, owner) carry over.
    """
    by_folder: dict[str, dict[str, bytes]] = {}
    for target, data in files.items():
        try:
            if _is_stream(os.stat(target).st_mode):
                _stream(target, data)
                continue
        except OSError:
            pass
        target = os.path.abspath(target)  # `plan.yaml`: its folder is `.`, not ``
        by_folder.setdefault(os.path.dirname(target), {})[target] = data
    with contextlib.ExitStack() as stack:
        stages = [stack.enter_context(_Stage(folder, keep_metadata)) for folder in by_folder]
        for stage, (folder, group) in zip(stages, by_folder.items(), strict=True):
            sweep(folder, names=[os.path.basename(t) for t in group])
            for target, data in group.items():
                stage.add(target, data)
        with _signals_held():
            for stage in stages:
                stage.commit()
            try:
                for stage in stages:
                    stage.publish()
            except OutputError:
                for stage in stages:
                    stage.roll_back()
                raise


def _stream(target: str, data: bytes) -> None:
    try:
        with open(target, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise _problem(target, exc) from None


def write_file(path: str, data: bytes) -> None:
    """:func:`write_files` for one file."""
    write_files({path: data})


def sweep(folder: str, names: Iterable[str] = ()) -> None:
    """Finish or remove what dead writers left in ``folder``; never touches a live one.

    ``names`` are targets about to be written: their planforge 0.1 temporaries go too.
    """
    legacy = set(names)
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(STAGING_PREFIX) and entry.is_dir(follow_symlinks=False):
            _sweep_stage(entry.path)
        elif (m := _LEGACY_TEMP.fullmatch(entry.name)) and m["name"] in legacy:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _sweep_stage(path: str) -> None:
    try:
        fd = os.open(os.path.join(path, LOCK), os.O_RDWR)
    except FileNotFoundError:
        if _writer_alive(path):
            return  # a writer that has not taken its lock yet
        fd = None
    except OSError:
        return
    try:
        if fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return  # its writer is alive
        _roll_forward(path)
        shutil.rmtree(path, ignore_errors=True)
    finally:
        if fd is not None:
            os.close(fd)


def _writer_alive(path: str) -> bool:
    return alive(os.path.basename(path)[len(STAGING_PREFIX) :].split("-")[0])


def alive(pid: str) -> bool:
    """True when process ``pid`` (its decimal text) runs; False for one that is gone."""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _roll_forward(path: str) -> None:
    """Finish the renames a writer killed after its manifest had begun."""
    try:
        with open(os.path.join(path, MANIFEST), encoding="utf-8") as fh:
            moves = json.load(fh)
    except (OSError, ValueError):
        return
    folder = os.path.dirname(path)
    for staged, name in moves:
        if os.sep in staged or os.sep in name or name.startswith(STAGING_PREFIX):
            continue  # not something planforge wrote
        with contextlib.suppress(OSError):
            _rename(os.path.join(path, staged), os.path.join(folder, name))
    _fsync_dir(folder)


class _Stage:
    """One staging folder: files written in full, then renamed over their targets."""

    def __init__(self, folder: str, keep_metadata: bool = False) -> None:
        self.folder = folder
        self.keep_metadata = keep_metadata  # a replaced file's mode and owner carry over
        self.entries: list[tuple[str, str]] = []  # (staged name, target path)
        self.backups: dict[str, str] = {}  # target -> hard link to the file it replaces
        self.published: list[str] = []
        self.done = False

    def __enter__(self) -> _Stage:
        if not os.path.isdir(self.folder):
            if os.path.lexists(self.folder):
                raise OutputError(f"{self.folder} is not a folder")
            try:
                os.makedirs(self.folder, exist_ok=True)
            except OSError as exc:
                raise _problem(self.folder, exc) from None
        try:
            self.path = _mkdtemp(self.folder)
            # Locked before it takes its name: another run's sweep, which removes a
            # staging folder whose lock it can take, never finds this one unlocked.
            claim = os.path.join(self.path, LOCK + ".new")
            self.lock = os.open(claim, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self.lock, fcntl.LOCK_EX)
            os.rename(claim, os.path.join(self.path, LOCK))
        except OSError as exc:
            if hasattr(self, "path"):
                shutil.rmtree(self.path, ignore_errors=True)
            raise _problem(self.folder, exc) from None
        return self

    def add(self, target: str, data: bytes) -> None:
        staged = f"new-{len(self.entries)}"
        full = os.path.join(self.path, staged)
        try:
            fd = os.open(full, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(full, 0o644)
            if self.keep_metadata:
                _copy_metadata(target, full)
        except OSError as exc:
            raise _problem(target, exc) from None
        self.entries.append((staged, target))

    def reserve(self, target: str) -> str:
        """A path in the staging folder for a writer to create ``target``'s content in."""
        staged = f"new-{len(self.entries)}"
        self.entries.append((staged, target))
        return os.path.join(self.path, staged)

    def commit(self) -> None:
        """Keep a link to each file about to be replaced, then record the manifest."""
        for i, (_, target) in enumerate(self.entries):
            if os.path.isfile(target):
                backup = os.path.join(self.path, f"old-{i}")
                with contextlib.suppress(OSError):
                    os.link(target, backup)
                    self.backups[target] = backup
        moves = [[staged, os.path.basename(target)] for staged, target in self.entries]
        pending = os.path.join(self.path, MANIFEST + ".tmp")
        try:
            with open(pending, "w", encoding="utf-8") as fh:
                json.dump(moves, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(pending, os.path.join(self.path, MANIFEST))
            _fsync_dir(self.path)
        except OSError as exc:
            raise _problem(self.entries[0][1], exc) from None

    def publish(self) -> None:
        for staged, target in self.entries:
            try:
                _rename(os.path.join(self.path, staged), target)
            except OSError as exc:
                raise _problem(target, exc) from None
            self.published.append(target)
        _fsync_dir(self.folder)
        self.done = True

    def roll_back(self) -> None:
        """Put back what :meth:`publish` replaced (a later rename failed)."""
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(self.path, MANIFEST))
        for target in self.published:
            with contextlib.suppress(OSError):
                if target in self.backups:
                    os.replace(self.backups[target], target)
                else:
                    os.unlink(target)
        self.published = []

    def __exit__(self, *exc: object) -> None:
        if not self.done:
            self.roll_back()
        shutil.rmtree(self.path, ignore_errors=True)
        os.close(self.lock)


@contextlib.contextmanager
def staged_set(folder: str | os.PathLike[str]) -> Iterator[Callable[[str], str]]:
    """Write a set of files into ``folder`` by path, for writers that want a file name.

    ``path = reserve(target)`` gives the staging file to write ``target``'s content
    into (XlsxWriter, polars); when the block ends without an error, the set replaces
    its targets together, with the folder locked against another run's set (two runs
    never mix their files) and signals held. On an error nothing is replaced, and the
    staging folder goes; after a ``kill -9`` the next write into ``folder`` sweeps it.
    Targets are not checked here: pass them through :func:`resolve_target` first.
    """
    where = os.path.abspath(os.fspath(folder))
    with _Stage(where) as stage:
        sweep(where)
        yield stage.reserve
        for staged, target in stage.entries:
            full = os.path.join(stage.path, staged)
            try:
                os.chmod(full, 0o644)
                with open(full, "rb+") as fh:
                    os.fsync(fh.fileno())
            except OSError as exc:
                raise _problem(target, exc) from None
        with _folder_locked(where), _signals_held():
            stage.commit()
            try:
                stage.publish()
            except OutputError:
                stage.roll_back()
                raise


@contextlib.contextmanager
def _folder_locked(folder: str) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` itself (no lock file is left behind)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _copy_metadata(original: str, staged: str) -> None:
    """Give ``staged`` the mode and, where allowed, the owner and group of ``original``."""
    try:
        st = os.stat(original)
    except FileNotFoundError:
        return
    os.chmod(staged, stat.S_IMODE(st.st_mode))
    with contextlib.suppress(OSError):  # only root may give a file away
        os.chown(staged, st.st_uid, st.st_gid)


class Changed(OutputError):
    """The file changed after it was read: writing would lose what was saved meanwhile."""


def replace_contents(path: str | os.PathLike[str], data: bytes, *, expected: bytes) -> None:
    """Replace the contents of the file at ``path`` (which held ``expected``) with ``data``.

    For editing a file in place (``validate --fix``): a symbolic link is followed, so
    its target is edited and the link stays; mode and owner stay; a file with other
    hard links is rewritten in place, so every link still shows the new text (after
    the new text is safely staged beside it). :class:`Changed` when the file no
    longer holds ``expected`` (saved meanwhile): then nothing is written.
    """
    target = os.path.realpath(os.fspath(path))
    try:
        with open(target, "rb") as fh:
            current = fh.read()
        st = os.stat(target)
    except OSError as exc:
        raise _problem(os.fspath(path), exc) from None
    if current != expected:
        raise Changed(f"{os.fspath(path)} changed while it was checked; not written")
    if st.st_nlink == 1:
        write_files({target: data}, keep_metadata=True)
        return
    with _Stage(os.path.dirname(target), keep_metadata=True) as stage:
        stage.add(target, data)  # a full copy on disk first
        try:
            with open(target, "r+b") as fh, _signals_held():
                fh.write(data)
                fh.truncate()
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise _problem(os.fspath(path), exc) from None
        stage.done = True


def _mkdtemp(folder: str) -> str:
    return tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=folder)


def _fsync_dir(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.EBADF, errno.EROFS):
            raise
    finally:
        os.close(fd)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP (they arrive afterwards) while a set is renamed."""
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    except (AttributeError, ValueError, OSError):  # not on this platform or thread
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[str]:
    """A temporary path next to ``path`` to write to; renamed onto ``path`` on success.

    For writers that want a file name rather than bytes (XlsxWriter, big CSVs). The
    temporary is named like planforge 0.1's (``.<name>.XXXXXXXX.tmp``), so a run
    killed with ``kill -9`` leaves nothing that the next :func:`sweep` keeps.
    """
    target = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(target))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        with _signals_held():
            _rename(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
