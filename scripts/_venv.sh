# Sourced by scripts/demo and scripts/test: create ./.venv once, install sokbo into it
# (editable, so the checkout is what runs) and put it first on PATH.
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi
# An editable install needs redoing only when pyproject.toml (dependencies, entry points,
# package layout) or the extras change: the code itself is read from the checkout.
_sokbo_installed="$(cksum <pyproject.toml | cut -d" " -f1,2) ${SOKBO_EXTRAS:-[]}"
if ! grep -qxF "$_sokbo_installed" .venv/.sokbo-installed 2>/dev/null; then
  # setuptools always tells, as a warning, that an editable install of a package whose folders
  # are mapped (search/ → sokbo.search) uses an import hook, and that a folder named like the
  # package in the working directory could shadow it: here that folder is the package itself
  # (sokbo/), so the note says nothing to act on. Every other warning still shows.
  PYTHONWARNINGS="ignore:Editable installation" \
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${SOKBO_EXTRAS:-}"
  echo "$_sokbo_installed" >>.venv/.sokbo-installed
fi
unset _sokbo_installed
export PATH="$PWD/.venv/bin:$PATH"
