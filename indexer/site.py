"""The site a post belongs to, and the public URL Jekyll gives the post.

URLs follow Jekyll 4: a permalink pattern (or one of its style names) whose placeholders are
filled from the post's date, categories and file name, each value percent-encoded the way
Jekyll's ``URL.escape_path`` does, so a Korean category appears encoded (``/%EC%A0%95%EC%B9%98/``).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

__all__ = ["PERMALINK_STYLES", "Site", "SiteConfigError", "jekyll_slugify"]

PERMALINK_STYLES = {
    "pretty": "/:categories/:year/:month/:day/:title/",
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
"""Jekyll's named permalink styles. ``pretty`` is sokbo's default (the README says so to users)."""

_CONFIG_NAMES = ("_config.yml", "_config.yaml")

_OUTPUT_EXT = ".html"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_PLACEHOLDER = re.compile(
    ":(slugified_categories|categories|short_year|short_month|long_month|short_day|long_day"
    "|output_ext|i_month|i_day|y_day|w_year|w_day|year|month|day|hour|minute|second|week"
    "|title|slug)"
)
"""Jekyll's placeholders, longest first, so ``:slugified_categories`` is not read as ``:slug``."""

_ESCAPE_SAFE = "-._~!$&'()*+,;=:@/"
"""What Jekyll's ``escape_path`` leaves alone (RFC 3986 path characters)."""

_DEFAULT_SLUG_RUN = re.compile(r"[\W_]+")
_PRETTY_SLUG_RUN = re.compile(r"(?:[^\w.~!$&'()+,;=@]|_)+")


class SiteConfigError(ValueError):
    """The site's settings (its ``_config.yml`` or the arguments given) cannot be used."""


def jekyll_slugify(text: str, *, pretty: bool = False, cased: bool = False) -> str:
    """Return ``text`` slugified like Jekyll's ``Utils.slugify`` (``default`` or ``pretty`` mode).

    Runs of characters other than letters and digits (in ``pretty`` mode also ``._~!$&'()+,;=@``)
    become one hyphen, hyphens at the ends go; letters of every script are kept, so Korean
    stays Korean. Lowercased unless ``cased``.
    """
    run = _PRETTY_SLUG_RUN if pretty else _DEFAULT_SLUG_RUN
    slug = run.sub("-", text).strip("-")
    return slug if cased else slug.lower()


@dataclass(frozen=True)
class Site:
    """Where a site's posts are published.

    Example:
        >>> Site("https://news.example.org", "/blog").url_for("10", ["정치"], dt.date(2024, 6, 12))
        'https://news.example.org/blog/%EC%A0%95%EC%B9%98/2024/06/12/10/'
    """

    base_url: str = ""
    """Scheme and host, e.g. ``https://news.example.org`` (Jekyll's ``url``); "" for
    site-relative URLs."""
    baseurl: str = ""
    """Path prefix of the site, e.g. ``/blog`` (Jekyll's ``baseurl``)."""
    permalink: str = PERMALINK_STYLES["pretty"]
    """A pattern with placeholders, or a style name from :data:`PERMALINK_STYLES`."""
    timezone: str | None = None
    """IANA zone of the site (Jekyll's ``timezone``): the zone of post times written without
    an offset."""

    def __post_init__(self) -> None:
        pattern = PERMALINK_STYLES.get(self.permalink, self.permalink)
        if not pattern:
            raise SiteConfigError("the permalink pattern is empty")
        object.__setattr__(self, "permalink", pattern)
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
        prefix = self.baseurl.strip("/")
        object.__setattr__(self, "baseurl", f"/{prefix}" if prefix else "")
        if self.timezone is not None:
            try:
                zoneinfo.ZoneInfo(self.timezone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
                raise SiteConfigError(f"unknown time zone {self.timezone!r}") from error

    @property
    def tzinfo(self) -> dt.tzinfo | None:
        """The site's time zone, or None when it has none."""
        return None if self.timezone is None else zoneinfo.ZoneInfo(self.timezone)

    @classmethod
    def from_posts_dir(
        cls, posts_dir: Path | str, base_url: str | None = None, permalink: str | None = None
    ) -> Site:
        """Return the site of the posts in ``posts_dir``.

        Reads ``url``, ``baseurl``, ``permalink`` and ``timezone`` from the ``_config.yml`` in
        the folder above ``posts_dir`` (Jekyll's layout) when there is one; ``base_url`` and
        ``permalink`` given here win over it. Raises :class:`SiteConfigError` naming the file
        and line when the config cannot be read.
        """
        config, source = _read_config(Path(posts_dir).parent)
        settings = {
            "base_url": config.get("url"),
            "baseurl": config.get("baseurl"),
            "permalink": config.get("permalink"),
            "timezone": config.get("timezone"),
        }
        if base_url is not None:
            settings["base_url"] = base_url
        if permalink is not None:
            settings["permalink"] = permalink
        given = {name: str(value) for name, value in settings.items() if value is not None}
        try:
            return cls(**given)
        except SiteConfigError as error:
            raise SiteConfigError(f"{source}: {error}" if source else str(error)) from error

    def url_for(
        self,
        slug: str,
        categories: Sequence[str],
        day: dt.date,
        title_slug: str | None = None,
        *,
        permalink: str | None = None,
    ) -> str:
        """Return the public URL of a post.

        ``slug`` is the file name's part after the date (``2024-06-12-10.md`` → ``10``);
        ``title_slug`` is the post's own ``slug:`` front-matter value, which in Jekyll replaces
        it for ``:title`` and ``:slug``. ``day`` may be a datetime, for ``:hour`` and the like.
        ``permalink`` is the post's own ``permalink:`` front-matter pattern, if any.
        """
        name = title_slug or slug
        moment = day if isinstance(day, dt.datetime) else dt.datetime.combine(day, dt.time())
        unique = list(dict.fromkeys(str(category).lower() for category in categories))
        iso_year, iso_week, iso_weekday = moment.isocalendar()
        values = {
            "year": f"{moment.year:04d}",
            "month": f"{moment.month:02d}",
            "i_month": str(moment.month),
            "day": f"{moment.day:02d}",
            "i_day": str(moment.day),
            "short_year": f"{moment.year % 100:02d}",
            "y_day": f"{moment.timetuple().tm_yday:03d}",
            "short_month": _MONTHS[moment.month - 1][:3],
            "long_month": _MONTHS[moment.month - 1],
            "short_day": _WEEKDAYS[moment.weekday()][:3],
            "long_day": _WEEKDAYS[moment.weekday()],
            "week": f"{iso_week:02d}",
            "w_year": str(iso_year),
            "w_day": str(iso_weekday),
            "hour": f"{moment.hour:02d}",
            "minute": f"{moment.minute:02d}",
            "second": f"{moment.second:02d}",
            "title": jekyll_slugify(name, pretty=True, cased=True),
            "slug": jekyll_slugify(name),
            "categories": "/".join(unique),
            "slugified_categories": "/".join(jekyll_slugify(category) for category in unique),
            "output_ext": _OUTPUT_EXT,
        }
        pattern = permalink or self.permalink
        pieces: list[str] = []
        position = 0
        for match in _PLACEHOLDER.finditer(pattern):
            # Literal text is the author's own: encode it too, but keep escapes already in it.
            pieces.append(quote(pattern[position : match.start()], safe=_ESCAPE_SAFE + "%"))
            pieces.append(quote(values[match.group(1)], safe=_ESCAPE_SAFE))
            position = match.end()
        pieces.append(quote(pattern[position:], safe=_ESCAPE_SAFE + "%"))
        path = re.sub(r"/{2,}", "/", "/" + "".join(pieces))
        return f"{self.base_url}{self.baseurl}{path}"


def _read_config(site_dir: Path) -> tuple[dict[str, Any], Path | None]:
    """Return the settings of the Jekyll config in ``site_dir`` and its path; ({}, None) when
    there is none."""
    for name in _CONFIG_NAMES:
        path = site_dir / name
        if path.is_file():
            break
    else:
        return {}, None
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise SiteConfigError(f"{where}: not valid YAML: {reason}") from error
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise SiteConfigError(f"{path}: cannot be read: {error}") from error
    if config is None:
        return {}, path
    if not isinstance(config, dict):
        raise SiteConfigError(f"{path}: not a mapping of settings")
    return config, path
