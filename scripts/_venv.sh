# Sourced by scripts/demo and scripts/test: create ./.venv once, install sokbo into it
# (editable, so the checkout is what runs) and put it first on PATH.
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${SOKBO_EXTRAS:-}"
export PATH="$PWD/.venv/bin:$PATH"
