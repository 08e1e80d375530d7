# shellcheck shell=bash
# Shared by the scripts that build examples/ against the library: where the library is installed
# for them. Source it, then
#
#   vecprop_local_repo_args ROOT     # prints two Maven arguments, one per line
#
# -Dmaven.repo.local=ROOT/target/local-repo and -Dmaven.repo.local.tail=<your local repository>:
# Maven 3.9's chained local repository (the wrapper's Maven is 3.9.16). The library's snapshot is
# installed into, and read from, target/local-repo, so that it never replaces a vecprop in
# ~/.m2 that other projects use; everything else is read from ~/.m2/repository
# ($VECPROP_M2_REPOSITORY if your settings.xml puts it elsewhere) and only what is missing there
# is downloaded, into target/local-repo.
vecprop_local_repo_args() {
    printf '%s\n' "-Dmaven.repo.local=$1/target/local-repo" \
        "-Dmaven.repo.local.tail=${VECPROP_M2_REPOSITORY:-$HOME/.m2/repository}"
}
