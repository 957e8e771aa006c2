"""The ``sokbo`` command: a thin click shell over :mod:`sokbo.indexer.build` and :mod:`sokbo.search`.

Exit codes: 0 success; 1 some posts failed (``index``, ``check``), the index is missing or
damaged (``search``, ``stats``), or nothing could be copied (``replicate``); 2 unusable arguments (click's own convention, also used for a
bad search parameter, and for ``serve`` on a port that is taken); 73 the index folder cannot be written (read-only, or no
permission); 74 writing the index failed otherwise (the disk is full, an I/O error); 75 the
index is being written by another run (``index --no-wait``). 73-75 are sysexits.h's
EX_CANTCREAT, EX_IOERR and EX_TEMPFAIL.
"""

from __future__ import annotations

import contextlib
import errno
import json
import sys
import time
from pathlib import Path
from typing import Any, NoReturn

import click

from sokbo.search import BadParameter, IndexBusy, IndexDamaged, IndexMissing, IndexWriteError, SearchRequest, SearchService
from sokbo.search import config

from .build import IndexSummary, build_index
from .problems import printable
from .site import Site
from .workers import first_os_error

EXIT_BUSY = 75
"""``sokbo index --no-wait`` while another run writes the index (EX_TEMPFAIL: try again later)."""

EXIT_CANNOT_WRITE = 73
"""``sokbo index`` cannot write in the index folder: read-only file system or no permission
(EX_CANTCREAT). Not 1, which means some posts failed: here no post could be indexed."""

EXIT_WRITE_FAILED = 74
"""``sokbo index`` failed writing the index: the disk is full, or another I/O error (EX_IOERR)."""

_CANNOT_WRITE = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})
_DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


class UsageExit(click.ClickException):
    """A one-line error with exit code 2: the command cannot run as given (a taken port)."""

    exit_code = 2


index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=config.ENV_INDEX,
    default=config.DEFAULT_INDEX_DIR,
    show_default=True,
    show_envvar=True,
    help="Index directory.",
)


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="sokbo")
def cli() -> None:
    """sokbo (속보): Korean full-text search for Jekyll news sites."""


@cli.command("index")
@click.argument("posts_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), envvar=config.ENV_POSTS)
@index_option
@click.option("--base-url", envvar=config.ENV_BASE_URL, help="Site URL for post links (default: url in _config.yml).")
@click.option(
    "--permalink", envvar=config.ENV_PERMALINK, help="Jekyll permalink pattern (default: _config.yml's, else pretty)."
)
@click.option(
    "--synonyms",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar=config.ENV_SYNONYMS,
    help="Synonym groups, one per line: 국민의힘 = 국힘 (default: the site's _sokbo/synonyms.txt).",
)
@click.option(
    "--user-dict",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar=config.ENV_USER_DICT,
    help="Words Kiwi should keep whole, one per line: word [tag [score]] (default: _sokbo/userdict.txt).",
)
@click.option("--full", is_flag=True, help="Rebuild from scratch instead of updating what changed.")
@click.option(
    "--wait/--no-wait",
    default=True,
    show_default=True,
    help=f"When another run is writing the index, wait for it, or exit at once with code {EXIT_BUSY}.",
)
@click.option("--watch", is_flag=True, help="Stay running and apply every change to the folder (Ctrl+C to stop).")
@click.option(
    "--procs", type=click.IntRange(1, 64), envvar=config.ENV_PROCS, help="Analysis processes (default: 2 for big sites)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="Print problems and the summary only.")
def index_command(
    posts_dir: Path,
    index_dir: Path,
    base_url: str | None,
    permalink: str | None,
    synonyms: Path | None,
    user_dict: Path | None,
    full: bool,
    wait: bool,
    watch: bool,
    procs: int | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Bring the index up to date with the posts of POSTS_DIR (a Jekyll _posts folder).

    Only new, changed and deleted posts are processed, unless --full. Broken posts are
    reported with file and line; the rest are indexed. Readers keep searching the previous
    state until the run commits.

    A damaged index is rebuilt in full, and the run says so. Exit codes: 0 done; 1 some posts could not be indexed (the rest were); 2 bad usage;
    73 the index folder cannot be written (read-only, permissions); 74 writing the index failed
    (disk full, I/O error); 75 another run is writing the index (with --no-wait).
    """
    try:
        site = Site.from_posts_dir(posts_dir, base_url=base_url, permalink=permalink)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    show_bar = not (quiet or as_json or watch) and sys.stderr.isatty()

    def report(summary: IndexSummary) -> None:
        if as_json:
            click.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=None if watch else 2))
        else:
            for problem in summary.problems:
                click.echo(str(problem), err=True)
            click.echo(summary.line())

    def watch_failed(error: Exception) -> None:
        message = f"this run failed, watching on: {type(error).__name__}: {error}"
        if as_json:  # a script reading one line per run must not wait forever
            click.echo(json.dumps({"ok": False, "error": message}, ensure_ascii=False))
        click.echo(f"sokbo: {message}", err=True)

    if watch:
        from .watch import watch as watch_folder

        click.echo(f"sokbo: watching {posts_dir} (Ctrl+C to stop)", err=True)
        try:
            watch_folder(
                posts_dir,
                index_dir,
                site,
                report,
                synonyms=synonyms,
                user_dict=user_dict,
                on_error=watch_failed,
            )
        except KeyboardInterrupt:
            pass
        return

    with contextlib.ExitStack() as stack:
        bar: Any = None

        def on_plan(n: int) -> None:
            nonlocal bar
            bar = stack.enter_context(
                click.progressbar(length=n, label="Indexing", file=sys.stderr, show_pos=True, hidden=not show_bar or n < 2)
            )

        try:
            summary = build_index(
                posts_dir,
                index_dir,
                site=site,
                synonyms=synonyms,
                user_dict=user_dict,
                procs=procs,
                full=full,
                wait=wait,
                notify=lambda message: click.echo(f"sokbo: {message}", err=True),
                on_plan=on_plan,
                on_file=lambda _path: bar.update(1),
            )
        except IndexBusy as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_BUSY)
        except (OSError, IndexWriteError) as exc:
            failure = _write_failure(exc, index_dir)
            if failure is None:
                raise
            message, code = failure
            if as_json:
                click.echo(json.dumps({"ok": False, "error": message}, ensure_ascii=False))
            click.echo(f"sokbo: {message}", err=True)
            sys.exit(code)
    report(summary)
    sys.exit(0 if summary.ok else 1)


def _write_failure(exc: BaseException, index_dir: Path) -> tuple[str, int] | None:
    """Return the one-line message and exit code for a run that could not write its index.

    The OSError may be ``exc`` or behind it (a cleanup that failed the same way while handling
    it). None when ``exc`` is not such a failure.
    The index is as it was: a rebuild is published only when complete, and an update commits
    only at its end.
    """
    error = _os_error(exc)
    if error is None:
        return None
    number, reason = error
    folder = printable(str(index_dir), path=True)
    if number in _CANNOT_WRITE:
        return f"cannot write in the index folder {folder}: {reason}; the index is as it was", EXIT_CANNOT_WRITE
    if number in _DISK_FULL:
        return f"the disk of the index folder {folder} is full ({reason}); the index is as it was", EXIT_WRITE_FAILED
    return f"writing the index in {folder} failed: {reason}; the index is as it was", EXIT_WRITE_FAILED


def _os_error(exc: BaseException) -> tuple[int, str] | None:
    """The errno and reason of the first OSError in ``exc``'s chain (a worker's comes back as itself)."""
    error = first_os_error(exc)
    return None if error is None else (error.errno or 0, error.strerror or str(error))


@cli.command("search")
@click.argument("query", default="")
@index_option
@click.option("--category", "-c", "categories", multiple=True, help="Only posts in this category (repeatable: any of).")
@click.option("--from", "date_from", metavar="YYYY-MM-DD", help="Posts from this date (inclusive).")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Posts up to this date (inclusive).")
@click.option("--month", metavar="YYYY-MM", help="Posts of this calendar month (instead of --from/--to).")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), help="Order of the hits.")
@click.option("--page", default="1", show_default=True, help="Page of hits.")
@click.option("--limit", "per_page", default="10", show_default=True, help="Hits per page (1-100).")
@click.option("--no-correct", "no_correct", is_flag=True, help="Search QUERY as typed even when it finds nothing and a correction would.")
@click.option("--json", "as_json", is_flag=True, help="Print exactly the body of GET /api/search.")
def search_command(
    query: str,
    index_dir: Path,
    categories: tuple[str, ...],
    date_from: str | None,
    date_to: str | None,
    month: str | None,
    sort: str | None,
    page: str,
    per_page: str,
    no_correct: bool,
    as_json: bool,
) -> None:
    """Search the index for QUERY (empty: the newest posts)."""
    params = {
        "q": [query],
        "category": list(categories),
        "from": [date_from or ""],
        "to": [date_to or ""],
        "month": [month or ""],
        "sort": [sort or ""],
        "page": [page],
        "per_page": [per_page],
        "correct": ["0" if no_correct else ""],
    }
    try:
        request = SearchRequest.from_params(params)
        service = _reader(index_dir)
        loading = time.perf_counter()
        service.warm_up()  # outside took_ms, which times the search alone
        loaded_s = time.perf_counter() - loading
        response = service.search(request)
    except BadParameter as exc:
        option = {"q": "QUERY", "per_page": "--limit", "category": "--category"}.get(exc.param, f"--{exc.param}")
        raise click.BadParameter(exc.message, param_hint=option) from exc
    except IndexMissing as exc:
        _index_missing(exc)
    if as_json:
        _print_json(response.as_dict())
        return
    body = response.as_dict()
    found = f"{body['total']} hits" + (" (partial matches: no post has every word)" if body["partial"] else "")
    click.echo(f"{found}, page {body['page']} of {response.pages}, {body['took_ms']} ms (loading the index and the Korean model: {loaded_s:.1f} s)")
    if body["corrected"]:
        click.echo(f"Nothing found for {query!r}: these are the hits of {body['suggestion']!r} (--no-correct: of {query!r})")
    elif body["suggestion"]:
        click.echo(f"Did you mean {body['suggestion']!r}?")
    if body["expanded"]:
        click.echo(f"초성 searched as: {', '.join(body['expanded'])}")
    for n, hit in enumerate(body["hits"], start=(response.request.page - 1) * response.request.per_page + 1):
        click.echo()
        click.secho(f"{n}. {hit['title']}", bold=True)
        click.echo(f"   {hit['date'][:10]}  {', '.join(hit['categories'])}  {hit['url']}")
        click.echo(f"   {_plain(hit['snippet'])}")


def _reader(index_dir: Path) -> SearchService:
    """A service for one command: what it skips of a damaged index is said on stderr."""
    return SearchService(index_dir, notify=lambda line: click.echo(f"sokbo: {line}", err=True))


def _index_missing(exc: IndexMissing) -> NoReturn:
    """Exit 1 for an index that is missing (saying what to do) or damaged (the service has
    said why, in one line)."""
    if not isinstance(exc, IndexDamaged):
        raise click.ClickException(str(exc)) from exc
    sys.exit(1)


def _plain(snippet: str) -> str:
    """A snippet for a terminal: marks as brackets, entities decoded."""
    import html

    return html.unescape(snippet.replace("<mark>", "[").replace("</mark>", "]"))


@cli.command("serve")
@index_option
@click.option("--host", envvar=config.ENV_HOST, default=config.DEFAULT_HOST, show_default=True, show_envvar=True)
@click.option("--port", envvar=config.ENV_PORT, default=config.DEFAULT_PORT, type=int, show_default=True, show_envvar=True)
@click.option(
    "--workers",
    envvar=config.ENV_WORKERS,
    type=click.IntRange(1, 64),
    default=config.default_workers,
    show_default="one a core",
    show_envvar=True,
    help="Worker processes; they share the loaded model and index.",
)
@click.option("--threads", type=click.IntRange(1, 64), default=config.DEFAULT_THREADS, show_default=True, help="Threads per worker.")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="One JSON line per request on standard output.")
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help=f"A site whose pages may call the API, e.g. https://news.example.com (repeatable; "
    f"default: ${config.ENV_CORS_ORIGINS}, comma- or space-separated; none by default).",
)
def serve_command(
    index_dir: Path, host: str, port: int, workers: int, threads: int, access_log: bool, cors_origins: tuple[str, ...]
) -> None:
    """Serve the search page and the JSON API with waitress (a production WSGI server) in
    worker processes forked after the model and the index are loaded."""
    from sokbo.web import create_app
    from sokbo.web import access_log as access
    from sokbo.web.server import ServeError, bind, serve

    _log_to_stderr()
    settings: dict[str, object] = {"INDEX_DIR": str(index_dir)}
    if cors_origins:
        settings["CORS_ORIGINS"] = list(cors_origins)
    try:
        app = create_app(settings)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--cors-origin' / $" + config.ENV_CORS_ORIGINS) from exc
    try:
        sock = bind(host, port)  # before loading: a taken port fails at once
    except ServeError as exc:
        raise UsageExit(str(exc)) from None
    service: SearchService = app.extensions["sokbo"]
    try:
        service.warm_up()
    except IndexDamaged:
        pass  # said in one line by the service; it serves 503s until `sokbo index` repairs it
    except IndexMissing:
        click.echo(f"warning: no index in {index_dir} yet: run `sokbo index POSTS_DIR --index {index_dir}`", err=True)
    shown = f"[{host}]" if ":" in host else host
    origins = app.config["CORS_ORIGINS"]
    if origins:
        click.echo(f"sokbo: pages of {', '.join(origins)} may call the API")
    port = sock.getsockname()[1]
    if access_log:
        access.to_stdout()
    click.echo(f"sokbo: serving {index_dir} on http://{shown}:{port}/ with {workers} worker(s) × {threads} threads (Ctrl+C to stop)")
    serve(app, sock, workers, threads)


def _log_to_stderr() -> None:
    """Show sokbo's log lines (a damaged generation skipped, a search that met damage) on
    stderr as ``sokbo: …``, whatever logging waitress sets up after."""
    import logging

    logger = logging.getLogger("sokbo")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("sokbo: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


@cli.command("replicate")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("dest")
def replicate_command(source: Path, dest: str) -> None:
    """Copy the index SOURCE to DEST, which a replica's `sokbo serve` reads: DEST is a folder,
    or [USER@]HOST:FOLDER on another machine (rsync over ssh).

    The copy goes in an order whose every step a running server of DEST sees whole: new
    segments, then each generation's table of contents and meta, then CURRENT, then (2 s
    after CURRENT switched) the removal of what SOURCE no longer has. It waits for a
    `sokbo index` writing SOURCE, and holds the next one off until it is done.

    \b
    Example:
        sokbo replicate /srv/sokbo-index replica1:/srv/sokbo-index
    """
    from sokbo.search.replica import ReplicateError, replicate

    try:
        done = replicate(source, dest, notify=lambda message: click.echo(f"sokbo: {message}", err=True))
    except ReplicateError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(done.line())


@cli.command("stats")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def stats_command(index_dir: Path, as_json: bool) -> None:
    """Posts, categories, date range, size and generation of the index."""
    try:
        stats = _reader(index_dir).stats()
    except IndexMissing as exc:
        _index_missing(exc)
    if as_json:
        _print_json(stats)
        return
    click.echo(f"index:      {stats['index']} ({stats['generation']}, {stats['size_bytes'] / 1e6:.1f} MB)")
    click.echo(f"posts:      {stats['posts']} from {stats['first_date']} to {stats['last_date']}")
    top = ", ".join(f"{c} {n}" for c, n in list(stats["categories"].items())[:10])
    click.echo(f"categories: {len(stats['categories'])} ({top})")
    for label, key in (("built:", "built_at"), ("updated:", "updated_at")):
        if stats.get(key):
            click.echo(f"{label:<11} {time.strftime('%Y-%m-%d %H:%M:%S %z', time.localtime(stats[key]))}")


@cli.command("check")
@click.argument("posts_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), envvar=config.ENV_POSTS)
@click.option("--base-url", envvar=config.ENV_BASE_URL, help="Site URL for post links (default: url in _config.yml).")
@click.option(
    "--permalink", envvar=config.ENV_PERMALINK, help="Jekyll permalink pattern (default: _config.yml's, else pretty)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def check_command(posts_dir: Path, base_url: str | None, permalink: str | None, as_json: bool) -> None:
    """Check the posts of POSTS_DIR without indexing them (the Korean model is not loaded).

    Prints every problem as file:line: severity: message. Exits 0 when every post can be
    indexed (warnings allowed), 1 when some post cannot.
    """
    from .check import check_posts, format_problem

    try:
        site = Site.from_posts_dir(posts_dir, base_url=base_url, permalink=permalink)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    report = check_posts(posts_dir, site)
    if as_json:
        _print_json(report.as_dict())
    else:
        for problem in report.problems:
            click.echo(format_problem(problem), err=True)
        click.echo(report.line())
    sys.exit(0 if report.ok else 1)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="sokbo")
