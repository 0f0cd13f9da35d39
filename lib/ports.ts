// Ports that belong to other protocols: a client's address (Redis on 6379, OpenTelemetry on 4317) or
// another listener of the app (MQTT, IRC) found by a loose pattern is never taken for its HTTP port.

/** Well-known ports of databases, brokers, telemetry and non-HTTP protocols, with what uses them. */
export const OTHER_PROTOCOL_PORTS: ReadonlyMap<number, string> = new Map([
  [22, 'SSH'],
  [25, 'SMTP'],
  [443, 'HTTPS (TLS)'],
  [465, 'SMTPS'],
  [587, 'SMTP submission'],
  [1433, 'SQL Server'],
  [1521, 'Oracle'],
  [1883, 'MQTT'],
  [2181, 'ZooKeeper'],
  [2379, 'etcd'],
  [3306, 'MySQL'],
  [4222, 'NATS'],
  [4317, 'OpenTelemetry gRPC'],
  [4318, 'OpenTelemetry HTTP'],
  [5432, 'PostgreSQL'],
  [5672, 'AMQP'],
  [6379, 'Redis'],
  [6667, 'IRC'],
  [6697, 'IRC over TLS'],
  [8500, 'Consul'],
  [8883, 'MQTT over TLS'],
  [9042, 'Cassandra'],
  [9092, 'Kafka'],
  [9200, 'Elasticsearch'],
  [11211, 'Memcached'],
  [27017, 'MongoDB'],
  [65535, 'the highest port (a range bound)'],
]);

/** A port a loose pattern found that is another protocol's, so the search goes on. */
export const isOtherProtocolPort = (port: number) => OTHER_PROTOCOL_PORTS.has(port);
