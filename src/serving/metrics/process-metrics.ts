import { Counter, Gauge, type Registry } from "prom-client";
import { setCounter } from "./set-counter.js";

/**
 * Registers a few process metrics read at scrape time. prom-client's collectDefaultMetrics is not
 * used: three of its gauges end in `_total` (promtool lint fails), and each call starts an event
 * loop monitor and GC observer that would pile up when tests create many registries.
 */
export function registerProcessMetrics(registry: Registry): void {
  const startSeconds = Math.round(Date.now() / 1000 - process.uptime());
  new Gauge({
    name: "process_resident_memory_bytes",
    help: "Resident memory size in bytes.",
    registers: [registry],
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });
  new Gauge({
    name: "nodejs_heap_size_used_bytes",
    help: "V8 heap in use, in bytes.",
    registers: [registry],
    collect() {
      this.set(process.memoryUsage().heapUsed);
    },
  });
  new Counter({
    name: "process_cpu_seconds_total",
    help: "Total user and system CPU time spent in seconds.",
    registers: [registry],
    collect() {
      const cpu = process.cpuUsage();
      setCounter(this, (cpu.user + cpu.system) / 1e6);
    },
  });
  new Gauge({
    name: "process_start_time_seconds",
    help: "Start time of the process since the Unix epoch in seconds.",
    registers: [registry],
    collect() {
      this.set(startSeconds);
    },
  });
}
