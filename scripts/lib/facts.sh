# shellcheck shell=bash
# Machine facts for benchmark results. Source it, then call
#
#   vecprop_machine_facts OUTFILE [COMMAND...]
#
# which writes OUTFILE, a flat JSON object describing this machine and JVM, meant as the sidecar
# of a JMH result file: results/x.json -> results/x.facts.json (vecprop-report shows it in the
# report's machine block, labels comparisons with it and ranks machines by it in results/INDEX.md).
#
# The collector is org.vecprop.tools.MachineFacts in jmh/target/benchmarks.jar (schema_version 2:
# CPU vendor, family/model/stepping and microarchitecture, ISA flags, caches, cores and SMT, nominal
# and measured clock, memory, OS, JDK, the JVM options in effect, the vector width vecprop chose and
# why, the peers' versions and the OpenBLAS kernel in use; its javadoc lists every key). It runs in
# a JVM started with $VECPROP_JVM_FLAGS (the flags the benchmark JVM got, so that -XX:MaxVectorSize
# and -Dvecprop.vectorBits act as they did there) and without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE,
# as scripts/bench runs JMH. COMMAND... is recorded as the command that produced the results, and
# `git describe` of this checkout as vecprop_commit.
#
# Without that jar (or that class in it) the shell collector below writes schema_version 1, the
# keys scripts/lib/facts.sh always wrote (a value is "unknown" when it cannot be found out):
#
#   cpu_model, cpu_vendor   /proc/cpuinfo (model name, vendor_id), else lscpu
#   arch                    uname -m
#   cores                   nproc (a number)
#   isa_flags               the flags that matter to vecprop, space-separated, of: avx2 fma avx512f
#                           avx512bw avx512dq avx512vl avx512_vnni avx512_bf16 avx512_fp16 neon asimd sve
#                           sve2 (lower case as in /proc/cpuinfo; "none" if none of them)
#   caches                  cpu0's caches from /sys/devices/system/cpu/cpu0/cache, e.g.
#                           "L1d 32K, L1i 32K, L2 512K, L3 32768K (L3 shared by 2 CPUs)", else lscpu
#   memory                  MemTotal from /proc/meminfo, in GiB
#   os, kernel              /etc/os-release PRETTY_NAME; uname -sr
#   jdk_home, jdk_vendor, jdk_version
#                           $JAVA_HOME (found with vecprop_find_jdk 25 when unset), and its
#                           java.vendor and java.runtime.version
#   jvm_flags               $VECPROP_JVM_FLAGS: the caller puts the flags the benchmark JVM got there
#   vecprop_species, simd_enabled, vecprop_simd
#                           what org.vecprop.kernel.Simd chose in a JVM started with
#                           --add-modules jdk.incubator.vector and $VECPROP_JVM_FLAGS (so that
#                           -Dvecprop.vectorBits / -XX:MaxVectorSize are honoured): e.g.
#                           "512-bit (16 float lanes)", true, and Simd.description()'s line. The
#                           classes come from target/classes, else target/vecprop-*.jar, else
#                           jmh/target/benchmarks.jar; with none of them (or no Simd.description)
#                           all three are "unknown".
#   command                 COMMAND... as given, shell-quoted (the command that produced the results)
#   date                    now, ISO 8601 with time zone
#
# Needs JDK 25 for the Java collector, python3 for the fallback. Returns non-zero only if OUTFILE
# cannot be written.

vecprop_machine_facts() {
    if [ $# -lt 1 ] || [ -z "$1" ]; then
        echo "usage: vecprop_machine_facts OUTFILE [COMMAND...]" >&2
        return 2
    fi
    local out=$1
    shift
    local lib root jar jdk_home command_line='' commit log status
    lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
    root=$(cd "$lib/../.." && pwd -P)
    jar=$root/jmh/target/benchmarks.jar
    jdk_home=${JAVA_HOME:-}
    if [ -z "$jdk_home" ] || [ ! -x "$jdk_home/bin/java" ]; then
        if ! declare -F vecprop_find_jdk >/dev/null; then
            # shellcheck source=jdk.sh
            . "$lib/jdk.sh"
        fi
        jdk_home=$( (vecprop_find_jdk 25 >/dev/null 2>&1 && printf '%s' "$JAVA_HOME"))
    fi
    if [ -z "$jdk_home" ] || [ ! -f "$jar" ]; then
        vecprop_machine_facts_shell "$out" "$@"
        return
    fi
    if [ $# -gt 0 ]; then
        command_line=$(printf '%q ' "$@")
        command_line=${command_line% }
    fi
    commit=$(git -C "$root" describe --always --dirty 2>/dev/null) || commit=unknown
    mkdir -p "$(dirname "$out")" || return 1
    log=$(mktemp "${TMPDIR:-/tmp}/vecprop-facts.XXXXXX")
    # VECPROP_JVM_FLAGS is a list of flags: word splitting is intended.
    # shellcheck disable=SC2086
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE timeout 120 "$jdk_home/bin/java" \
        --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED ${VECPROP_JVM_FLAGS:-} \
        -cp "$jar" org.vecprop.tools.MachineFacts --out "$out" --jvm-flags "${VECPROP_JVM_FLAGS:-}" \
        --command "$command_line" --commit "$commit" 2>"$log" && status=0 || status=$?
    if [ "$status" -ne 0 ] || [ ! -s "$out" ]; then
        cat "$log" >&2
        rm -f "$log"
        echo "vecprop_machine_facts: the Java collector failed (exit $status); writing schema-1 facts instead" >&2
        vecprop_machine_facts_shell "$out" "$@"
        return
    fi
    grep '^facts:' "$log" >&2 || true
    rm -f "$log"
}

# The schema-1 collector, from /proc, /sys, uname and a JVM run of Simd: the fallback.
vecprop_machine_facts_shell() {
    if [ $# -lt 1 ] || [ -z "$1" ]; then
        echo "usage: vecprop_machine_facts_shell OUTFILE [COMMAND...]" >&2
        return 2
    fi
    local out=$1
    shift
    local lib root
    lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
    root=$(cd "$lib/../.." && pwd -P)

    if ! command -v python3 >/dev/null 2>&1; then
        echo "vecprop_machine_facts_shell: python3 is needed to write $out" >&2
        return 1
    fi

    # --- CPU
    local cpu_model='' cpu_vendor='' flags=''
    if [ -r /proc/cpuinfo ]; then
        cpu_model=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -n 1)
        cpu_vendor=$(sed -n 's/^vendor_id[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -n 1)
        # x86: "flags"; arm64: "Features"
        flags=$(sed -n -e 's/^flags[[:space:]]*:[[:space:]]*//p' -e 's/^Features[[:space:]]*:[[:space:]]*//p' \
            /proc/cpuinfo | head -n 1)
    fi
    if command -v lscpu >/dev/null 2>&1; then
        [ -n "$cpu_model" ] || cpu_model=$(LC_ALL=C lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)
        [ -n "$cpu_vendor" ] || cpu_vendor=$(LC_ALL=C lscpu | sed -n 's/^Vendor ID:[[:space:]]*//p' | head -n 1)
        [ -n "$flags" ] || flags=$(LC_ALL=C lscpu | sed -n 's/^Flags:[[:space:]]*//p' | head -n 1)
    fi
    local isa='' f
    for f in avx2 fma avx512f avx512bw avx512dq avx512vl avx512_vnni avx512_bf16 avx512_fp16 \
        neon asimd sve sve2; do
        case " $flags " in *" $f "*) isa="${isa:+$isa }$f" ;; esac
    done
    [ -n "$flags" ] && [ -z "$isa" ] && isa=none

    # --- caches of cpu0
    local caches='' idx level type size shared
    for idx in /sys/devices/system/cpu/cpu0/cache/index*; do
        [ -r "$idx/level" ] || continue
        level=$(cat "$idx/level")
        type=$(cat "$idx/type" 2>/dev/null)
        size=$(cat "$idx/size" 2>/dev/null)
        shared=$(cat "$idx/shared_cpu_list" 2>/dev/null)
        case $type in
            Data) type=d ;;
            Instruction) type=i ;;
            *) type= ;;
        esac
        caches="${caches:+$caches, }L$level$type $size"
        # say when a cache is shared: "0-1" or "0,1"
        case $shared in *-* | *,*) caches="$caches (shared by CPUs $shared)" ;; esac
    done
    if [ -z "$caches" ] && command -v lscpu >/dev/null 2>&1; then
        caches=$(LC_ALL=C lscpu | sed -n 's/^\(L[0-9][a-z]*\) cache:[[:space:]]*/\1 /p' | paste -sd, - | sed 's/,/, /g')
    fi

    local memory=''
    memory=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)

    local os='' kernel arch
    if [ -r /etc/os-release ]; then
        os=$(. /etc/os-release && printf '%s' "${PRETTY_NAME:-$NAME $VERSION}")
    fi
    kernel=$(uname -sr 2>/dev/null)
    arch=$(uname -m 2>/dev/null)

    # --- JDK
    local jdk_home=${JAVA_HOME:-} props='' jdk_vendor='' jdk_version=''
    if [ -z "$jdk_home" ] || [ ! -x "$jdk_home/bin/java" ]; then
        if ! declare -F vecprop_find_jdk >/dev/null; then
            # shellcheck source=jdk.sh
            . "$lib/jdk.sh"
        fi
        jdk_home=$( (vecprop_find_jdk 25 >/dev/null 2>&1 && printf '%s' "$JAVA_HOME"))
    fi
    if [ -n "$jdk_home" ] && [ -x "$jdk_home/bin/java" ]; then
        props=$("$jdk_home/bin/java" -XshowSettings:properties -version 2>&1)
        jdk_vendor=$(printf '%s\n' "$props" | sed -n 's/^ *java\.vendor = //p' | head -n 1)
        jdk_version=$(printf '%s\n' "$props" | sed -n 's/^ *java\.runtime\.version = //p' | head -n 1)
    fi

    # --- what vecprop chooses: run Simd.description() in a JVM with the caller's flags
    local cp='' jar simd='' tmp
    if [ -d "$root/target/classes/org/vecprop/kernel" ]; then
        cp=$root/target/classes
    else
        for jar in "$root"/target/vecprop-*.jar "$root"/jmh/target/benchmarks.jar; do
            case $jar in *-sources.jar | *-javadoc.jar | *-tests.jar) continue ;; esac
            [ -f "$jar" ] && cp=$jar && break
        done
    fi
    if [ -n "$cp" ] && [ -n "$jdk_home" ] && [ -x "$jdk_home/bin/java" ]; then
        tmp=$(mktemp -d "${TMPDIR:-/tmp}/vecprop-facts.XXXXXX")
        cat >"$tmp/Facts.java" <<'EOF'
public class Facts {
    public static void main(String[] args) {
        System.out.println("enabled=" + org.vecprop.kernel.Simd.enabled());
        System.out.println("bits=" + org.vecprop.kernel.Simd.vectorBits());
        System.out.println("description=" + org.vecprop.kernel.Simd.description());
    }
}
EOF
        # VECPROP_JVM_FLAGS is a list of flags: word splitting is intended.
        # shellcheck disable=SC2086
        simd=$(cd "$tmp" && timeout 60 "$jdk_home/bin/java" --add-modules jdk.incubator.vector \
            ${VECPROP_JVM_FLAGS:-} -cp "$cp" Facts.java 2>/dev/null) || simd=''
        rm -rf "$tmp"
    fi
    local simd_enabled='' bits='' description='' species=''
    simd_enabled=$(printf '%s\n' "$simd" | sed -n 's/^enabled=//p')
    bits=$(printf '%s\n' "$simd" | sed -n 's/^bits=//p')
    description=$(printf '%s\n' "$simd" | sed -n 's/^description=//p')
    if [ "$simd_enabled" = true ] && [ -n "$bits" ]; then
        species="$bits-bit ($((bits / 32)) float lanes)"
    elif [ "$simd_enabled" = false ]; then
        species="scalar"
    fi

    local command_line=''
    if [ $# -gt 0 ]; then
        command_line=$(printf '%q ' "$@")
        command_line=${command_line% }
    fi

    mkdir -p "$(dirname "$out")" || return 1
    FACT_cpu_model=$cpu_model FACT_cpu_vendor=$cpu_vendor FACT_arch=$arch FACT_cores=$(nproc 2>/dev/null) \
    FACT_isa_flags=$isa FACT_caches=$caches FACT_memory=$memory FACT_os=$os FACT_kernel=$kernel \
    FACT_jdk_home=$jdk_home FACT_jdk_vendor=$jdk_vendor FACT_jdk_version=$jdk_version \
    FACT_jvm_flags=${VECPROP_JVM_FLAGS:-} FACT_vecprop_species=$species FACT_simd_enabled=$simd_enabled \
    FACT_vecprop_simd=$description FACT_command=$command_line FACT_date=$(date -Iseconds) \
    python3 - "$out" <<'EOF'
import json, os, sys

keys = ["schema_version", "collector", "cpu_model", "cpu_vendor", "arch", "cores", "isa_flags", "caches", "memory", "os", "kernel",
        "jdk_home", "jdk_vendor", "jdk_version", "jvm_flags", "vecprop_species", "simd_enabled",
        "vecprop_simd", "command", "date"]
facts = {}
for k in keys:
    v = os.environ.get("FACT_" + k, "").strip()
    if k == "schema_version":
        facts[k] = 1
        continue
    if k == "collector":
        facts[k] = "scripts/lib/facts.sh (shell fallback: jmh/target/benchmarks.jar has no org.vecprop.tools.MachineFacts)"
        continue
    if k == "cores":
        facts[k] = int(v) if v.isdigit() else "unknown"
    elif k == "simd_enabled":
        facts[k] = True if v == "true" else False if v == "false" else "unknown"
    elif k in ("jvm_flags", "command"):
        facts[k] = v  # empty is a fact: no flags, no command given
    else:
        facts[k] = v if v else "unknown"
with open(sys.argv[1], "w", encoding="utf-8") as f:
    json.dump(facts, f, indent=2, ensure_ascii=False)
    f.write("\n")
EOF
}
