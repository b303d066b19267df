#!/usr/bin/env bash
# Throughput/latency baseline of the running Kafka broker with Kafka's own perf tools
# (kafka-tools jars in .local/kafka/libs): ProducerPerformance (acks=all, unthrottled) with
# 100 B and 1 KiB records, ConsumerPerformance reading them back, EndToEndLatency (acks=all).
# Each record size gets a fresh 6-partition topic, deleted at the end. ~1-2 minutes on 2 cores.
#
# Usage: scripts/kafka-baseline.sh            (against KAFKA_BROKERS or the local stack)
# Environment:
#   BASELINE_SMALL_RECORDS (2000000)  records of 100 B
#   BASELINE_LARGE_RECORDS (500000)   records of 1024 B
#   BASELINE_E2E_RECORDS   (5000)     round trips for EndToEndLatency (100 B)
#   BASELINE_KEEP_TOPICS=1            keep the perf topics
#   BASELINE_JSON=<file>              also write the rows as JSON (npm run bench reads it)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/env.sh"

BROKERS="${KAFKA_BROKERS:-$HITL_KAFKA_LOCAL_BROKERS}"
SMALL_N="${BASELINE_SMALL_RECORDS:-2000000}"
LARGE_N="${BASELINE_LARGE_RECORDS:-500000}"
E2E_N="${BASELINE_E2E_RECORDS:-5000}"
PARTITIONS=6

java_ok || die "java 17+ is needed"
[[ -f "$HITL_KAFKA_MARKER_JAR" ]] || die "Kafka jars missing: run scripts/setup.sh"
first="${BROKERS%%,*}"
port_open "${first%:*}" "${first##*:}" || die "no broker at $BROKERS: run scripts/stack.sh start"

# Quick-start JVM flags for the admin calls, full JIT + G1 for the perf tools themselves.
ADMIN_OPTS="-Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
PERF_OPTS="-Xms256m -Xmx512m -XX:+UseG1GC"

run_id="$(date +%s)"
TOPICS=()
topic_create() {
  KAFKA_TOOL_OPTS=$ADMIN_OPTS kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BROKERS" \
    --create --topic "$1" --partitions "$PARTITIONS" --replication-factor 1 >/dev/null
  TOPICS+=("$1")
}
cleanup() {
  local t
  if [[ "${BASELINE_KEEP_TOPICS:-0}" != 1 && ${#TOPICS[@]} -gt 0 ]]; then
    for t in "${TOPICS[@]}"; do
      KAFKA_TOOL_OPTS=$ADMIN_OPTS kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BROKERS" \
        --delete --topic "$t" >/dev/null 2>&1 || warn "could not delete topic $t"
    done
  fi
}
trap cleanup EXIT

ROWS=()
JSON_ROWS=()
json_num() { if [[ "$1" == "-" ]]; then printf 'null'; else printf '%s' "$1"; fi; }
row() {
  ROWS+=("$(printf '%-30s %10s %12s %9s %9s %9s' "$@")")
  JSON_ROWS+=("$(printf '{"test":"%s","records":%s,"perSecond":%s,"mbPerSecond":%s,"avgMs":%s,"p99Ms":%s}' \
    "$1" "$(json_num "$2")" "$(json_num "$3")" "$(json_num "$4")" "$(json_num "$5")" "$(json_num "$6")")")
}

# ProducerPerformance final line:
# "2000000 records sent, 431965.4 records/sec (41.20 MB/sec), 398.73 ms avg latency,
#  1203.00 ms max latency, 310 ms 50th, 1020 ms 95th, 1150 ms 99th, 1190 ms 99.9th."
produce() {
  local topic=$1 n=$2 size=$3 label=$4 out line
  log "produce: $n x $size B -> $topic (acks=all, unthrottled)"
  out="$(KAFKA_TOOL_OPTS=$PERF_OPTS kafka_tool org.apache.kafka.tools.ProducerPerformance \
    --bootstrap-server "$BROKERS" --topic "$topic" --num-records "$n" --record-size "$size" \
    --throughput -1 --command-property acks=all client.id="hitl-baseline-producer")"
  line="$(grep 'records sent' <<<"$out" | tail -n1)"
  [[ -n "$line" ]] || { printf '%s\n' "$out" >&2; die "ProducerPerformance printed no summary"; }
  log "  $line"
  row "$label" "$n" \
    "$(printf '%.1f' "$(sed -n 's/.* sent, \([0-9.]*\) records\/sec.*/\1/p' <<<"$line")")" \
    "$(sed -n 's/.*(\([0-9.]*\) MB\/sec).*/\1/p' <<<"$line")" \
    "$(sed -n 's/.* \([0-9.]*\) ms avg latency.*/\1/p' <<<"$line")" \
    "$(sed -n 's/.* \([0-9.]*\) ms 99th,.*/\1/p' <<<"$line")"
}

# ConsumerPerformance prints a header and one line:
# start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
# rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
consume() {
  local topic=$1 n=$2 label=$3 out line
  log "consume: $n records <- $topic"
  out="$(KAFKA_TOOL_OPTS=$PERF_OPTS kafka_tool org.apache.kafka.tools.ConsumerPerformance \
    --bootstrap-server "$BROKERS" --topic "$topic" --num-records "$n" --timeout 20000 \
    --group "hitl-baseline-$run_id-$topic" --hide-header)"
  line="$(grep -E '^[0-9]{4}-' <<<"$out" | tail -n1)"
  [[ -n "$line" ]] || { printf '%s\n' "$out" >&2; die "ConsumerPerformance printed no summary"; }
  log "  $line"
  local f
  IFS=',' read -r -a f <<<"${line// /}"
  # the whole-run rates include the group join; fetch.* rates exclude it
  row "$label" "${f[4]}" "$(printf '%.1f' "${f[9]}")" "$(printf '%.2f' "${f[8]}")" "-" "-"
  (( f[4] >= n )) || warn "consumed only ${f[4]} of $n records"
}

# EndToEndLatency: produce one record, wait until the consumer sees it, repeat; prints
# "Avg latency: 1.2345 ms" and "Percentiles: 50th = 1, 99th = 3, 99.9th = 9".
e2e() {
  local topic=$1 n=$2 size=$3 label=$4 out avg p99
  log "end-to-end latency: $n x $size B round trips on $topic (acks=all)"
  out="$(KAFKA_TOOL_OPTS=$PERF_OPTS kafka_tool org.apache.kafka.tools.EndToEndLatency \
    "$BROKERS" "$topic" "$n" all "$size" 2>&1)" || { printf '%s\n' "$out" >&2; die "EndToEndLatency failed"; }
  avg="$(sed -n 's/.*Avg latency: \([0-9.]*\) ms.*/\1/p' <<<"$out" | tail -n1)"
  p99="$(sed -n 's/.* 99th = \([0-9.]*\).*/\1/p' <<<"$out" | tail -n1)"
  [[ -n "$avg" ]] || { printf '%s\n' "$out" >&2; die "EndToEndLatency printed no summary"; }
  log "  $(grep -E 'Avg latency|Percentiles' <<<"$out" | tr '\n' ' ')"
  row "$label" "$n" "-" "-" "$(printf '%.2f' "$avg")" "$p99"
}

T0=$(now_ms)
small="hitl.perf.b100.$run_id"
large="hitl.perf.b1k.$run_id"
lat="hitl.perf.e2e.$run_id"
topic_create "$small"
topic_create "$large"
topic_create "$lat"

produce "$small" "$SMALL_N" 100 "produce 100 B, acks=all"
produce "$large" "$LARGE_N" 1024 "produce 1 KiB, acks=all"
consume "$small" "$SMALL_N" "consume 100 B (fetch rate)"
consume "$large" "$LARGE_N" "consume 1 KiB (fetch rate)"
e2e "$lat" "$E2E_N" 100 "end-to-end 100 B, acks=all"

printf '\nKafka %s baseline against %s (%s partitions, %s cores)\n' \
  "$HITL_KAFKA_VERSION" "$BROKERS" "$PARTITIONS" "$(nproc)"
printf '%-30s %10s %12s %9s %9s %9s\n' "test" "records" "records/s" "MB/s" "avg ms" "p99 ms"
printf '%s\n' "${ROWS[@]}"
printf 'total %ss\n' "$(elapsed_s "$T0")"
if [[ -n "${BASELINE_JSON:-}" ]]; then
  { printf '{"bench":"kafka-baseline","kafka":"%s","partitions":%s,"rows":[' "$HITL_KAFKA_VERSION" "$PARTITIONS"
    (IFS=','; printf '%s' "${JSON_ROWS[*]}")
    printf ']}\n'; } >"$BASELINE_JSON"
fi
