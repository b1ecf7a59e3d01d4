/**
 * The CloudWatch agent configuration of the Secure Agent host, and the metric names it publishes:
 * one definition that both the user data (what the agent collects) and the alarms and dashboard
 * (what they read) use, so a renamed metric cannot leave an alarm watching nothing.
 *
 * Collected every 60 s into the `CWAgent` namespace, each with an `InstanceId` dimension:
 * memory and swap, disk space per mount, disk I/O per device (ops, bytes, time busy, queue),
 * CPU steal / iowait, process counts by state, and procstat for the Secure Agent's processes
 * (count, CPU, RSS, threads, I/O bytes) matched by their command line.
 */
import { CW_AGENT_NAMESPACE } from "./perms";

/** Metric names as the CloudWatch agent publishes them (`<plugin>_<measurement>`). */
export const CW_METRICS = {
  memUsedPercent: "mem_used_percent",
  swapUsedPercent: "swap_used_percent",
  diskUsedPercent: "disk_used_percent",
  cpuSteal: "cpu_usage_steal",
  cpuIowait: "cpu_usage_iowait",
  diskioIoTime: "diskio_io_time",
  processesBlocked: "processes_blocked",
  processesTotal: "processes_total",
  /** procstat's process count per pattern (0 = the Secure Agent is not running). */
  procPidCount: "procstat_lookup_pid_count",
  procCpu: "procstat_cpu_usage",
  procRss: "procstat_memory_rss",
} as const;

export interface CloudWatchAgentConfigProps {
  /** Mount point of the Secure Agent's data volume. */
  readonly dataMountPoint: string;
  /** Log group for the host's and the Secure Agent's log files. */
  readonly logGroupName: string;
  /** Command-line regular expressions of the processes to watch with procstat. */
  readonly processPatterns: readonly string[];
}

/** Command-line patterns of the IICS Secure Agent under `mount`: its core, and every agent service. */
export function secureAgentProcessPatterns(mount: string): string[] {
  return ["agentcore/infaagent", `${mount}/apps/`];
}

export function cloudWatchAgentConfig(p: CloudWatchAgentConfigProps): Record<string, unknown> {
  return {
    agent: { metrics_collection_interval: 60, run_as_user: "cwagent" },
    metrics: {
      namespace: CW_AGENT_NAMESPACE,
      append_dimensions: { InstanceId: "${aws:InstanceId}" },
      // Series the alarms and dashboard read: per instance, per mount, per device, per process pattern.
      aggregation_dimensions: [
        ["InstanceId"],
        ["InstanceId", "path"],
        ["InstanceId", "name"],
        ["InstanceId", "pattern"],
      ],
      metrics_collected: {
        cpu: { totalcpu: true, measurement: ["cpu_usage_active", "cpu_usage_steal", "cpu_usage_iowait"] },
        mem: { measurement: ["mem_used_percent", "mem_available"] },
        swap: { measurement: ["swap_used_percent"] },
        disk: {
          measurement: ["used_percent", "inodes_free"],
          resources: ["/", p.dataMountPoint],
          drop_device: true,
        },
        diskio: {
          resources: ["*"],
          measurement: ["reads", "writes", "read_bytes", "write_bytes", "io_time", "iops_in_progress"],
        },
        processes: { measurement: ["running", "blocked", "zombies", "total"] },
        procstat: p.processPatterns.map((pattern) => ({
          pattern,
          measurement: ["pid_count", "cpu_usage", "memory_rss", "num_threads", "read_bytes", "write_bytes"],
        })),
      },
    },
    logs: {
      logs_collected: {
        files: {
          collect_list: [
            {
              file_path: "/var/log/messages",
              log_group_name: p.logGroupName,
              log_stream_name: "{instance_id}/messages",
            },
            {
              file_path: `${p.dataMountPoint}/apps/agentcore/infaagent.log`,
              log_group_name: p.logGroupName,
              log_stream_name: "{instance_id}/infaagent",
            },
          ],
        },
      },
    },
  };
}
