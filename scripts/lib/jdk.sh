# shellcheck shell=bash
# Shared by the scripts in scripts/: finds a JDK new enough for vecprop. Source it, then call
#
#   vecprop_find_jdk [MIN]      # MIN defaults to 25
#
# which sets and exports JAVA_HOME (and puts $JAVA_HOME/bin first on PATH), or prints why not, in
# one line, and returns 1. Candidates, first match wins: $JAVA_HOME, /usr/lib/jvm/temurin-MIN*, /usr/lib/jvm/*MIN*,
# any /usr/lib/jvm/*, /opt/java, /opt/*jdk*, /usr/local/*jdk*, SDKMAN's and IntelliJ's JDK folders,
# then the `java` on PATH. A candidate must be a JDK (have bin/javac: the scripts build with Maven)
# whose feature version is at least MIN. The `java` on PATH is never used blindly: it may be older.

# Prints the feature version (e.g. 25) of the JDK or JRE at $1; returns 1 if it is not one.
vecprop_jdk_version() {
    local home=$1 v=
    [ -x "$home/bin/java" ] || return 1
    if [ -r "$home/release" ]; then
        v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
    fi
    if [ -z "$v" ]; then
        v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
            | sed -n 's/^ *java\.specification\.version = //p')
    fi
    v=${v#1.}          # 1.8 -> 8
    v=${v%%[.+-]*}     # 25.0.1 -> 25, 26-ea -> 26
    case $v in '' | *[!0-9]*) return 1 ;; esac
    printf '%s\n' "$v"
}

vecprop_find_jdk() {
    local min=${1:-25} cand v path_java=
    if command -v java >/dev/null 2>&1; then
        path_java=$(readlink -f "$(command -v java)")
        path_java=${path_java%/bin/java}
    fi
    local skipped=
    if [ -n "${JAVA_HOME:-}" ]; then
        v=$(vecprop_jdk_version "$JAVA_HOME") || v=
        if [ -z "$v" ] || [ "$v" -lt "$min" ] || [ ! -x "$JAVA_HOME/bin/javac" ]; then
            skipped="JAVA_HOME=$JAVA_HOME is ${v:+JDK $v, }not a JDK $min+"
        fi
    fi
    # Unmatched globs stay literal and fail the -d test below.
    for cand in ${JAVA_HOME:+"$JAVA_HOME"} \
        /usr/lib/jvm/temurin-"$min"* /usr/lib/jvm/*-"$min"* /usr/lib/jvm/*"$min"* /usr/lib/jvm/* \
        /opt/java /opt/java/* /opt/*jdk* /usr/local/*jdk* /usr/local/java/* \
        "${HOME:-/nonexistent}"/.sdkman/candidates/java/* "${HOME:-/nonexistent}"/.jdks/* \
        ${path_java:+"$path_java"}; do
        [ -d "$cand" ] && [ -x "$cand/bin/javac" ] || continue
        v=$(vecprop_jdk_version "$cand") || continue
        if [ "$v" -ge "$min" ]; then
            [ -z "$skipped" ] || echo "note: $skipped; using $cand" >&2
            JAVA_HOME=$(cd "$cand" && pwd -P)
            export JAVA_HOME
            PATH="$JAVA_HOME/bin:$PATH"
            export PATH
            return 0
        fi
    done
    # One line: the reason and the way out (the places searched are listed in this file's header).
    local on_path=
    if [ -n "$path_java" ]; then
        v=$(vecprop_jdk_version "$path_java") || v=
        on_path="; the java on PATH is ${v:+Java $v, }$path_java"
    fi
    echo "error: vecprop needs a JDK $min or newer and found none${skipped:+ ($skipped)}$on_path; install one (e.g. Temurin $min) and point JAVA_HOME at it" >&2
    return 1
}
