# shellcheck shell=bash
# Shared by scripts/check-safetensors and scripts/demo (fashion, the NumPy peer run): one Python
# virtual environment with pinned NumPy and safetensors, made on first use and reused by both.
# Source it, then
#
#   if vecprop_python_venv TAG; then "$VECPROP_PYTHON" ...; else echo "skipped: $VECPROP_PYTHON_SKIP"; fi
#
# Python: python3 (3.9 or newer) on the PATH. The venv is $VECPROP_PYTHON_VENV, default
# ~/.cache/vecprop/safetensors-venv; pip installs VECPROP_PYTHON_PACKAGES into it, from the indexes
# pip is configured with, only when they are missing or other versions. What it makes or installs
# is said on standard output as "TAG: ..."; pip's output goes to target/python-pip.log.
# On success VECPROP_PYTHON is the venv's python (return 0); otherwise VECPROP_PYTHON_SKIP says
# why there is none (no python3, too old, no venv, pip failed) and the return is 1.

VECPROP_PYTHON_PACKAGES="numpy==2.4.6 safetensors==0.8.0"

vecprop_python_venv() {
    local tag=$1 root venv python have log
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
    venv=${VECPROP_PYTHON_VENV:-$HOME/.cache/vecprop/safetensors-venv}
    VECPROP_PYTHON=
    VECPROP_PYTHON_SKIP=
    python=$(command -v python3 || true)
    if [ -z "$python" ]; then
        VECPROP_PYTHON_SKIP="no python3 on the PATH (install Python 3.9+)"
        return 1
    fi
    if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)'; then
        VECPROP_PYTHON_SKIP="$("$python" --version 2>&1) is older than 3.9"
        return 1
    fi
    mkdir -p "$root/target"
    if [ ! -x "$venv/bin/python" ]; then
        echo "$tag: making a Python venv in $venv"
        log=$root/target/python-venv.log
        if ! mkdir -p "$(dirname "$venv")" 2>/dev/null; then
            VECPROP_PYTHON_SKIP="cannot create $(dirname "$venv") for the venv"
            return 1
        fi
        if ! "$python" -m venv "$venv" >"$log" 2>&1; then
            VECPROP_PYTHON_SKIP="could not make a venv in $venv: $(tail -n 1 "$log")"
            return 1
        fi
    fi
    have=$("$venv/bin/python" -c 'import numpy, safetensors; print(f"numpy=={numpy.__version__} safetensors=={safetensors.__version__}")' 2>/dev/null || true)
    if [ "$have" != "$VECPROP_PYTHON_PACKAGES" ]; then
        echo "$tag: installing $VECPROP_PYTHON_PACKAGES into $venv (pip)"
        log=$root/target/python-pip.log
        # shellcheck disable=SC2086 # the packages are a list
        if ! "$venv/bin/python" -m pip install -q $VECPROP_PYTHON_PACKAGES >"$log" 2>&1; then
            VECPROP_PYTHON_SKIP="pip could not install $VECPROP_PYTHON_PACKAGES into $venv (log: target/python-pip.log: $(grep -m1 -E 'ERROR' "$log" || tail -n 1 "$log"))"
            return 1
        fi
    fi
    VECPROP_PYTHON=$venv/bin/python
    echo "$tag: Python $("$VECPROP_PYTHON" --version 2>&1 | cut -d' ' -f2), $VECPROP_PYTHON_PACKAGES, in $venv"
}
