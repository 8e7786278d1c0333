"""The front door: every command opens a plan here, the same way.

A :class:`Session` holds what one run of ``planforge`` was asked for (the ``--lang``
option, whether to read customer data, ``--debug``) and opens plans for it: the project
settings (:func:`planforge.config.find`, once per folder, applied by :meth:`Session.open_all`),
then for each plan, once and in this order, the plan file, its working-day calendar,
its customer data (``segmentation.source``, read by default) and its language. It hands
on the checked, resolved plan as a
:class:`planforge.check.Result` (``.plan``, ``.diagnostics``, ``.document``, and
``.lang``, the language to speak about it). Commands never call the pipeline stages
(loader, check, resolve, segment) themselves: they ask the front door, then give
the result to an output writer (reporters, export, render, diff, the tier list).

.. code-block:: python

    from planforge.frontdoor import Session

    session = Session(lang_option="zh-CN")     # --lang; None: the environment decides
    results = session.open_all(["plans"])      # discovery, PF211 across files, --select
    result = session.open("plans/x.yaml")      # one plan (OSError when it cannot be read)
    result.plan, result.diagnostics, result.lang, result.calendar
    old = session.open_spec("HEAD~1:plans/x.yaml")   # a file, or REV:path from git,
                                                      # with the data file at REV too
    session.lang                                # the run's language before any plan
    session.report_lang(results)                # one language for a batch's summary
    Session(as_of=day).open(path)               # outcomes evaluated up to `day` (evaluate)
    Session(read_data=False)                    # only the data's header (--no-data, --sql)
    session.open_document(doc)                  # a plan already loaded (session.load(path))
    session.open_many(paths, jobs=2)            # many, for a report: in 2 processes
    session.fix(path, result)                   # --fix: the safe fixes, then checked again
    session.commit("v1.0", folder)              # the commit a revision names
    with session.progress(sys.stderr): ...      # progress of reading data, on a terminal
    with session.batch(): ...                   # opening many plans: collect garbage rarely

**Language**, everywhere: the ``--lang`` option, then ``PLANFORGE_LANG``, then the
plan's own ``locale``, then ``LC_ALL``, ``LC_MESSAGES`` and ``LANG``, then English
(:func:`planforge.i18n.choose`). So a zh-CN plan checked where ``LANG=C.UTF-8`` speaks
Chinese, and ``--lang en`` or ``PLANFORGE_LANG=en`` makes it speak English.

**Customer data** is read wherever the plan names it (``Session(read_data=False)`` for
``validate --no-data`` and ``segment --sql``, which read only the header).

**Settings** apply per plan: the nearest ``.planforge.toml`` or ``[tool.planforge]``
above it (:meth:`Session.config`); a bad one raises :class:`ConfigError`.

Importing this module is cheap: the pipeline is imported when a plan is opened, and
the data engine (polars) only when a plan's data is read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from planforge.config import Config, ConfigError, find, selected
from planforge.discover import DiscoveryError, default_plans, find_plans
from planforge.i18n import choose, explicit, normalize
from planforge.repository import (
    RevisionError,
    add_duplicate_ids,
    commit_time,
    git_show,
    git_show_to,
    repository_top,
    resolve_revision,
    split_revision,
)

if TYPE_CHECKING:
    from planforge.check import Result
    from planforge.diagnostics import Diagnostic
    from planforge.loader import Document
    from planforge.rules import Rule

__all__ = [
    "Config",
    "ConfigError",
    "DiscoveryError",
    "RevisionError",
    "Session",
    "Unreadable",
    "all_rules",
    "get_rule",
    "names_data",
]


#: The collector's thresholds while a batch of plans is opened (the default is 700, 10, 10).
BATCH_THRESHOLDS = (100_000, 50, 100)


class Unreadable(Exception):
    """A plan file that cannot be read at all (:meth:`Session.open_many`): ``path``, ``error``."""

    def __init__(self, path: str, error: OSError) -> None:
        super().__init__(path, error)
        self.path, self.error = path, error


@dataclass
class Session:
    """One run's way of opening plans (see the module's doc)."""

    #: ``--lang``: the language to speak, before everything else (None: not given).
    lang_option: str | None = None
    #: Read each plan's customer data (its rows, not only the header).
    read_data: bool = True
    #: Let planforge's own failures raise (``--debug``) instead of becoming PF900.
    debug: bool = False
    #: The environment the language is chosen from (``os.environ`` when None).
    env: Mapping[str, str] | None = None
    #: Evaluate plans with ``outcomes`` from their rows up to this day (``evaluate
    #: --as-of``, ``render``); None: the data measures are not computed.
    as_of: dt.date | None = None
    _configs: dict[str, Config] = field(default_factory=dict, repr=False)

    # -- language --------------------------------------------------------------

    @property
    def environ(self) -> Mapping[str, str]:
        return os.environ if self.env is None else self.env

    @property
    def lang(self) -> str:
        """The run's language when no plan speaks yet (usage errors, ``rules``, ``init``)."""
        return choose(self.lang_option, self.environ)

    def lang_for(self, locale: str | None) -> str:
        """The language to speak about a plan whose ``locale`` is ``locale``."""
        return choose(self.lang_option, self.environ, plan_locale=locale)

    def report_lang(self, results: Sequence[Result]) -> str:
        """One language for a batch (its summary line): the option or ``PLANFORGE_LANG``,
        else the plans' language when they all speak the same one, else the environment."""
        chosen = explicit(self.lang_option, self.environ)
        if chosen:
            return chosen
        langs = {r.lang for r in results if r.lang}
        return langs.pop() if len(langs) == 1 else self.lang

    # -- settings and discovery -------------------------------------------------

    def config(self, start: str) -> Config:
        """The settings for a plan or folder at ``start`` (:class:`ConfigError` when unusable)."""
        folder = os.path.abspath(start)
        if not os.path.isdir(folder):
            folder = os.path.dirname(folder)
        if folder not in self._configs:
            self._configs[folder] = find(folder)
        return self._configs[folder]

    def find_plans(self, paths: Sequence[str], start: str | None = None) -> list[str]:
        """The plan files ``paths`` name (default: the config's ``paths``, else ``plans/``,
        else the plan files of the current folder: :func:`~planforge.discover.default_plans`)."""
        config = self.config(start or (paths[0] if paths else "."))
        if paths or config.paths:
            return find_plans(list(paths) or list(config.paths))
        return default_plans()

    # -- opening plans --------------------------------------------------------

    def open(self, path: str, *, source: str | None = None) -> Result:
        """Load, resolve and check the plan at ``path`` (its data too, unless told not to).

        ``source`` reads the customers from that file instead of ``segmentation.source``.
        Never raises for a bad plan (its findings are in the result); ``OSError`` when
        the file cannot be read at all.
        """
        from planforge import check

        if source is None:
            result = check.check_file(
                path, debug=self.debug, read_data=self.read_data, as_of=self.as_of
            )
        else:
            doc = self.load(path)
            seg = doc.data.get("segmentation") if isinstance(doc.data, dict) else None
            if isinstance(seg, dict):
                seg["source"] = os.path.abspath(source)
            from planforge.confined import chosen

            with chosen(source):  # the user's own choice: read even outside the plan's folder
                result = check.check_document(
                    doc, debug=self.debug, read_data=self.read_data, as_of=self.as_of
                )
        return self._finish(result)

    def load(self, path: str) -> Document:
        """Only load ``path`` (no check): what a command needs to look at before opening."""
        from planforge.loader import load_file

        return load_file(path)

    def open_bytes(self, data: bytes, name: str, *, base: str | None = None) -> Result:
        """A plan given as bytes (``--stdin``); ``name`` is reported, ``base`` is the
        folder its data paths are relative to (default: ``name``'s folder)."""
        from planforge.loader import load_bytes

        return self.open_document(load_bytes(data, name), base=base)

    def open_document(self, doc: Document, *, base: str | None = None) -> Result:
        """A plan already loaded (:meth:`load`), checked and resolved like :meth:`open`."""
        from planforge.check import check_document

        result = check_document(
            doc, debug=self.debug, read_data=self.read_data, base=base, as_of=self.as_of
        )
        return self._finish(result)

    def open_many(self, paths: Sequence[str], jobs: int = 1) -> list[Result]:
        """:meth:`open` for each of ``paths``, in order, spread over up to ``jobs``
        processes (:mod:`planforge.fanout`; one with ``--debug``). Each result is
        :meth:`~planforge.check.Result.reported`: what a report reads, not the plan."""
        from planforge.fanout import fan_out

        results = fan_out(self._reported, paths, 1 if self.debug else jobs)
        for result in results:
            if isinstance(result, Unreadable):
                raise result  # the first in the order of ``paths``, as one by one
        return results  # type: ignore[return-value]

    def _reported(self, path: str) -> Result | Unreadable:
        try:
            return self.open(path).reported()
        except OSError as exc:
            return Unreadable(path, exc)

    def open_all(
        self,
        paths: Sequence[str],
        *,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] = (),
    ) -> list[Result]:
        """Every plan ``paths`` name, opened, with the findings across files (PF211) and
        only the checks ``select``/``ignore`` and the settings keep."""
        with self.batch():
            results = [self.open(p) for p in self.find_plans(paths)]
        return self.finish_batch(results, paths, select, ignore)

    def batch(self) -> contextlib.AbstractContextManager[None]:
        """Around opening many plans whose results are kept: Python's cyclic collector
        runs rarely (:mod:`planforge.collecting`); 300 plans validate about a tenth faster."""
        from planforge.collecting import rarely

        return rarely(BATCH_THRESHOLDS)

    def finish_batch(
        self,
        results: list[Result],
        paths: Sequence[str] = (),
        select: Sequence[str] | None = None,
        ignore: Sequence[str] = (),
    ) -> list[Result]:
        """Findings across the files of one run (PF211), then ``select``/``ignore``
        added to the settings' (for results opened one by one)."""
        add_duplicate_ids(results)
        config = self.config(paths[0] if paths else results[0].path if results else ".")
        chosen = tuple(select) if select is not None else config.select
        skipped = config.ignore + tuple(ignore)
        if chosen or skipped:
            for r in results:
                r.diagnostics = [d for d in r.diagnostics if selected(d.code, chosen, skipped)]
        return results

    def open_spec(self, spec: str) -> Result:
        """A plan file, or ``REV:path`` (any git revision; the path from the repository's
        top, or ``./path`` from the current folder) read from git together with its
        customer data at that revision. :class:`RevisionError` when it cannot be read."""
        revision = split_revision(spec)
        if revision is None:
            if not os.path.isfile(spec):
                raise RevisionError(f"{spec}: no such file (write REV:path for a version in git)")
            try:
                return self.open(spec)
            except OSError as exc:
                raise RevisionError(f"{spec}: cannot read: {exc.strerror or exc}") from None
        return self.open_revision(*revision, label=spec)

    def open_revision(
        self, rev: str, path: str, *, cwd: str | None = None, label: str | None = None
    ) -> Result:
        """The plan at ``path`` in git revision ``rev``, with the data file it names read
        at ``rev`` as well (a data file outside the repository is read as it is now)."""
        import tempfile

        name = label or f"{rev}:{path}"
        data = git_show(rev, path, cwd)
        with tempfile.TemporaryDirectory(prefix="planforge-rev-") as tmp:
            base = self._data_at(rev, path, data, cwd, tmp)
            return self.open_bytes(data, name, base=base)

    def _data_at(self, rev: str, path: str, data: bytes, cwd: str | None, tmp: str) -> str:
        """The folder the plan at ``rev:path`` reads its data from: a copy in ``tmp`` of
        the data file at ``rev``, laid out as in the repository, or the plan's folder in
        the working tree when that file is not in ``rev`` (data that is not committed,
        or outside the repository) or no data is read."""
        # git reads `./x` and `../x` from the current folder, anything else from the top.
        from_here = path.startswith(("./", "../"))
        folder = os.path.dirname(path) or "."
        here = os.path.abspath(cwd or ".")
        worktree = os.path.join(here if from_here else (repository_top(here) or here), folder)
        if not self.read_data:
            return os.path.normpath(worktree)
        from planforge.loader import load_bytes

        plan = load_bytes(data, path).data
        seg = plan.get("segmentation") if isinstance(plan, dict) else None
        source = seg.get("source") if isinstance(seg, dict) else None
        if not isinstance(source, str) or not source or os.path.isabs(source):
            return os.path.normpath(worktree)
        relative = os.path.normpath(os.path.join(folder, source))
        up = 0
        for part in relative.split(os.sep):
            if part != "..":
                break
            up += 1
        if up and not from_here:
            return os.path.normpath(worktree)  # outside the repository: as it is now
        root = os.path.join(tmp, "files", *(["_"] * up))
        copy = os.path.normpath(os.path.join(root, relative))
        os.makedirs(os.path.dirname(copy), exist_ok=True)
        if not git_show_to(rev, ("./" if from_here else "") + relative, copy, cwd):
            return os.path.normpath(worktree)  # not committed at rev: as it is now
        stamp = commit_time(rev, cwd)
        if stamp is not None:
            os.utime(copy, (stamp, stamp))
        return os.path.normpath(os.path.join(root, folder))

    def _finish(self, result: Result) -> Result:
        plan_locale = result.plan.locale if result.plan is not None else None
        if plan_locale is None and isinstance(result.document.data, dict):
            value = result.document.data.get("locale")
            plan_locale = value if isinstance(value, str) else None
        result.lang = self.lang_for(normalize(plan_locale))
        return result

    def commit(self, rev: str, folder: str) -> str:
        """The full commit id ``rev`` names in the repository holding ``folder``
        (:class:`RevisionError` when it names none)."""
        return resolve_revision(rev, folder)

    # -- after opening --------------------------------------------------------

    def fix(self, path: str, result: Result) -> tuple[Result, list[Diagnostic]]:
        """Apply the safe fixes to ``path`` (in rounds, a fix may enable another), check it
        again; the new result and the fixes applied."""
        from planforge.atomic import OutputError
        from planforge.fixer import fix_file, not_written

        applied: list[Diagnostic] = []
        for _ in range(3):
            try:
                fixed = fix_file(path, result.diagnostics, checked=result.document.sha256)
            except OutputError as exc:  # saved meanwhile, read-only...: a finding, not a crash
                result.diagnostics.append(not_written(path, exc))
                break
            if not fixed:
                break
            applied += fixed
            result = self.open(path)
        return result, applied

    @contextlib.contextmanager
    def progress(self, stream: TextIO, lang: str | None = None) -> Iterator[None]:
        """Show the progress of reading data and writing the tier list on ``stream``,
        when it is a terminal and ``CI`` is not set (a no-op otherwise)."""
        from planforge.segment.progress import reporting, wanted

        if not self.read_data or not wanted(stream, dict(self.environ)):
            yield
            return
        with reporting(stream, lang or self.lang):
            yield


def names_data(results: Sequence[Any]) -> bool:
    """True when one of ``results`` names customer data (what ``--no-data`` skipped)."""
    for r in results:
        data = r.document.data if isinstance(r.document.data, dict) else {}
        seg = data.get("segmentation")
        if isinstance(seg, dict) and isinstance(seg.get("source"), str) and seg["source"]:
            return True
    return False


def all_rules() -> list[Rule]:
    """Every check planforge makes, by code (what ``rules`` and ``explain`` show)."""
    from planforge.rules import all_rules as every

    return every()


def get_rule(code: str) -> Rule | None:
    """The check with ``code`` (case-insensitive), or None."""
    from planforge.rules import get

    return get(code)
