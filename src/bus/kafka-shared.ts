// What both Kafka adapters (kafka.ts on kafkajs, platformatic-kafka.ts on @platformatic/kafka)
// do alike: names under the namespace, the topic settings a retention asks for, and record
// headers as strings.

/** The namespace (KafkaBusOptions.namespace) put before every topic and consumer group. */
export class KafkaNames {
  readonly prefix: string;

  constructor(namespace: string | undefined) {
    this.prefix = namespace ?? '';
  }

  /** A topic's or group's name on the cluster. */
  onCluster(name: string): string {
    return `${this.prefix}${name}`;
  }

  /** A topic's name as Brygga knows it. */
  own(clusterName: string): string {
    return clusterName.slice(this.prefix.length);
  }
}

const SEGMENT_MIN_BYTES = 16 * 1024 * 1024;
const SEGMENT_MAX_BYTES = 1024 * 1024 * 1024;
const SEGMENT_MAX_MS = 7 * 24 * 3600 * 1000;

/**
 * Topic settings for a retention. Kafka deletes whole closed segments only, so a bounded topic
 * gets segments of an eighth of what a partition keeps (at least 16 MiB, room for the largest
 * record): the topic then holds at most about an eighth more than asked.
 */
export function topicConfig(retentionMs: number | undefined, retentionBytes: number | undefined, partitions: number): { name: string; value: string }[] {
  const entries: { name: string; value: string }[] = [];
  if (retentionMs !== undefined) {
    entries.push({ name: 'retention.ms', value: String(retentionMs) });
    if (retentionMs > 0) entries.push({ name: 'segment.ms', value: String(Math.min(SEGMENT_MAX_MS, Math.max(60_000, Math.floor(retentionMs / 8)))) });
  }
  if (retentionBytes !== undefined && retentionBytes >= 0) {
    const perPartition = Math.ceil(retentionBytes / partitions);
    entries.push({ name: 'retention.bytes', value: String(perPartition) });
    entries.push({ name: 'segment.bytes', value: String(Math.min(SEGMENT_MAX_BYTES, Math.max(SEGMENT_MIN_BYTES, Math.floor(perPartition / 8)))) });
  }
  return entries;
}

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined | null;

/** Headers as Brygga's strings; of a header sent more than once, the last value counts. */
export function headersToStrings(headers: Iterable<[name: Buffer | string, value: HeaderValue]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of headers) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined && value !== null) out[name.toString()] = value.toString();
  }
  return out;
}
