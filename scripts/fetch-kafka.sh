#!/usr/bin/env bash
# Fetches an Apache Kafka broker (jar + runtime dependencies) from Maven Central
# into $ALERTFLOW_KAFKA_HOME/libs (default: <repo>/.cache/kafka/libs).
# Idempotent: does nothing when the broker jar for the pinned version is there.
# Needs: java (17+) and mvn on PATH.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
home="${ALERTFLOW_KAFKA_HOME:-$repo/.cache/kafka}"
libs="$home/libs"
pom="$here/kafka/pom.xml"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom")"

if [ -f "$libs/kafka_2.13-$version.jar" ] && [ -f "$libs/.complete" ]; then
  echo "kafka $version already in $libs"
  exit 0
fi

command -v mvn >/dev/null || { echo "fetch-kafka: mvn not found (apt-get install -y maven)" >&2; exit 1; }
command -v java >/dev/null || { echo "fetch-kafka: java not found (apt-get install -y openjdk-17-jre-headless)" >&2; exit 1; }

# Copy into a temp dir, then swap it in, so an interrupted fetch never leaves a
# half-filled libs dir that looks complete.
mkdir -p "$home"
tmp="$(mktemp -d "$home/libs.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mvn -q -B -f "$pom" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$tmp"
touch "$tmp/.complete"
rm -rf "$libs"
mv "$tmp" "$libs"
trap - EXIT
echo "kafka $version fetched into $libs ($(ls "$libs" | wc -l) jars)"
