# shellcheck shell=bash
# Shared by scripts/report and scripts/compare: builds jmh/report (vecprop-report) when its jar is
# missing or older than its sources, then runs it. Source it (after jdk.sh), then call
#
#   vecprop_report_run COMMAND ARGS...     # java -jar jmh/report/target/report.jar COMMAND ARGS...
#
# Needs JAVA_HOME to be a JDK 25 (call vecprop_find_jdk 25 first); builds with the root's ./mvnw.

# Prints the newest $1/*.json or $1/contrib/*/*.json (where `scripts/bench --quick` puts a run)
# that is a finished JMH result file, or returns 1 if there is none.
# Skipped: *.facts.json sidecars, empty files (JMH writes the file when a run ends, so an empty
# one is a run in progress), files without JMH's "primaryMetric" (other tools' JSON in results/),
# and, when python3 is there to check, files that are not a JSON array of JMH results.
vecprop_newest_result() {
    local dir=$1 f best=''
    for f in "$dir"/*.json "$dir"/contrib/*/*.json; do
        [ -f "$f" ] || continue # no match: the glob stays literal
        case $f in *.facts.json) continue ;; esac
        [ -s "$f" ] || continue
        [ -z "$best" ] || [ "$f" -nt "$best" ] || continue
        grep -q '"primaryMetric"' "$f" || continue
        if command -v python3 >/dev/null 2>&1 && ! python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if isinstance(d, list) and d and "benchmark" in d[0] and "primaryMetric" in d[0] else 1)' "$f" 2>/dev/null; then
            echo "note: skipping $f: not a finished JMH result file" >&2
            continue
        fi
        best=$f
    done
    [ -n "$best" ] || return 1
    printf '%s\n' "$best"
}

vecprop_report_run() {
    local root project jar
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
    project=$root/jmh/report
    jar=$project/target/report.jar
    if [ ! -f "$jar" ] || [ -n "$(find "$project/pom.xml" "$project/src/main" "$project/.mvn" -newer "$jar" -print -quit 2>/dev/null)" ]; then
        echo "report: building jmh/report (vecprop-report)" >&2
        (cd "$project" && "$root/mvnw" -q -B -DskipTests package >&2) || {
            echo "error: building jmh/report failed" >&2
            return 1
        }
    fi
    "$JAVA_HOME/bin/java" -Djava.awt.headless=true -jar "$jar" "$@"
}
