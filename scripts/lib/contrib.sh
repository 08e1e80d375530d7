# shellcheck shell=bash
# The layout of contributed runs, results/contrib/<machine>-<yyyy-mm-dd>/ (results/README.md
# describes it). Source it, then call
#
#   vecprop_contrib_dir RESULTS_DIR JAR       # prints (and creates) a new run folder for this machine
#   vecprop_contrib_readme RUN_DIR RESULT.json [COMMAND...]
#                                             # writes RUN_DIR/README.md unless it exists
#
# <machine> is `org.vecprop.tools.MachineFacts --slug` from JAR (the CPU's name and
# microarchitecture, e.g. amd-epyc-zen5), else the CPU's model name from /proc/cpuinfo; a second
# run of one machine on one day gets -2, -3, ... Needs JAVA_HOME to be a JDK 25 for the slug.

vecprop_contrib_dir() {
    local results=$1 jar=$2 slug='' day dir i
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ -f "$jar" ]; then
        slug=$("$JAVA_HOME/bin/java" -cp "$jar" org.vecprop.tools.MachineFacts --slug 2>/dev/null | tail -n 1) || slug=''
    fi
    if [ -z "$slug" ]; then
        slug=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1 \
            | tr '[:upper:]' '[:lower:]' | sed -e 's/([^)]*)//g' -e 's/[^a-z0-9][^a-z0-9]*/-/g' -e 's/^-//' -e 's/-$//')
        [ -n "$slug" ] || slug=unknown-cpu
    fi
    day=$(date +%Y-%m-%d)
    dir=$results/contrib/$slug-$day
    i=2
    while [ -e "$dir" ]; do
        dir=$results/contrib/$slug-$day-$i
        i=$((i + 1))
    done
    mkdir -p "$dir" || return 1
    printf '%s\n' "$dir"
}

vecprop_contrib_readme() {
    local dir=$1 result=$2
    shift 2
    [ -e "$dir/README.md" ] && return 0
    local facts=${result%.json}.facts.json cpu='' commit=''
    if [ -s "$facts" ] && command -v python3 >/dev/null 2>&1; then
        cpu=$(python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))
def k(x):
    v = f.get(x, "unknown")
    return "" if v in ("", "unknown", None) else str(v)
ident = [n + " " + k(x) for n, x in (("family", "cpu_family"), ("model", "cpu_model_number"),
                                     ("stepping", "cpu_stepping")) if k(x)]
uarch = k("cpu_microarchitecture") or "microarchitecture unknown"
print("%s (%s), %s cores, %s JDK %s" % (k("cpu_model"), ", ".join([uarch] + ident),
      k("physical_cores") or k("cores"), k("jdk_vendor"), k("jdk_version")))
print(k("vecprop_commit") or "unknown")' "$facts" 2>/dev/null) || cpu=''
        commit=$(printf '%s\n' "$cpu" | sed -n 2p)
        cpu=$(printf '%s\n' "$cpu" | sed -n 1p)
    fi
    {
        printf '# Contributed run: %s, %s\n\n' "${cpu:-this machine}" "$(date +%Y-%m-%d)"
        printf -- '- What: `%s` (vecprop at %s), JMH JSON as JMH wrote it, its facts sidecar' "$*" "${commit:-unknown}"
        printf ' (`*.facts.json`), and the NumPy train-step file if the same command wrote one.\n'
        printf -- '- Machine: see the facts file; add here what it cannot know (cloud instance type, other\n'
        printf '  load during the run, power or BIOS settings, a peak measured another way).\n'
        printf -- '- Before sending: check that nothing private is in the facts (jdk_home, command).\n'
    } >"$dir/README.md"
}
