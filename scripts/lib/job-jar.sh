# Sourced by scripts/sync and scripts/drift-check: the bundled job jar, built when missing or stale.

JOB_JAR="target/bq-harper-sync-job.jar"

# Builds target/bq-harper-sync-job.jar (mvn package, tests skipped) when it is missing or older
# than pom.xml or any file under src/main.
ensure_job_jar() {
  if [[ -f "$JOB_JAR" ]] && [[ -z "$(find pom.xml src/main -newer "$JOB_JAR" -print -quit)" ]]; then
    return
  fi
  echo "building $JOB_JAR" >&2
  mvn -B -q -ntp package -DskipTests >&2
}

# One line per log record, as the rest of the job's output.
JOB_JAVA_OPTS=(-Djava.util.logging.SimpleFormatter.format='%1$tT %4$s %3$s: %5$s%6$s%n')
