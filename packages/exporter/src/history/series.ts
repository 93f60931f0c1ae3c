// The catalog of archived series: every figure the dashboard charts over time, its unit and what it belongs to.

/**
 * What a series belongs to, and so which query parameters name one instance of it:
 * `target` series need `target`, `tracker` series `target` and `tracker`, `host` series nothing,
 * `filesystem` series a configured `path`.
 */
export type SeriesScope = "target" | "tracker" | "host" | "filesystem";

/** Units as the API reports them. */
export type SeriesUnit = "bytes" | "bytes_per_second" | "torrents" | "ratio" | "load";

/** One archived series. */
export interface SeriesDefinition {
  readonly name: string;
  readonly unit: SeriesUnit;
  readonly scope: SeriesScope;
  readonly help: string;
}

const def = (
  name: string,
  scope: SeriesScope,
  unit: SeriesUnit,
  help: string,
): SeriesDefinition => ({ name, scope, unit, help });

/** Torrent classes as pyrotorque counts them, with the ClassCounts field each series reads. */
export const CLASS_SERIES = [
  ["torrents_total", "total", "Torrents."],
  ["torrents_active", "active", "Torrents moving data (upload or download rate above 0)."],
  ["torrents_with_message", "withMessage", "Torrents with a message from the client or tracker."],
  ["torrents_complete", "complete", "Torrents fully downloaded."],
  ["torrents_incomplete", "incomplete", "Torrents not fully downloaded."],
  ["torrents_seeding", "seeding", "Complete torrents that are not stopped."],
  ["torrents_downloading", "downloading", "Incomplete torrents that are not stopped."],
  ["torrents_started", "started", "Torrents not stopped."],
  ["torrents_stopped", "stopped", "Stopped (paused) torrents."],
  ["torrents_errored", "errored", "Torrents in error, or whose tracker reports an error."],
] as const;

/** Every archived series, in the order the API lists them. Append only: names are stored. */
export const SERIES: readonly SeriesDefinition[] = [
  def("upload_rate", "target", "bytes_per_second", "Upload rate (payload) the client reports."),
  def("download_rate", "target", "bytes_per_second", "Download rate (payload) the client reports."),
  def("uploaded_total", "target", "bytes", "The client's all-time uploaded bytes."),
  def("downloaded_total", "target", "bytes", "The client's all-time downloaded bytes."),
  def("free_space", "target", "bytes", "Free space where the client saves downloads."),
  ...CLASS_SERIES.map(([name, , help]) => def(name, "target", "torrents", help)),
  def(
    "tracker_uploaded",
    "tracker",
    "bytes",
    "Bytes uploaded for the tracker's torrents, never going down (removed torrents' bytes stay in).",
  ),
  def(
    "tracker_downloaded",
    "tracker",
    "bytes",
    "Bytes downloaded for the tracker's torrents, never going down.",
  ),
  def("tracker_torrents", "tracker", "torrents", "Torrents of the tracker."),
  def(
    "host_cpu_busy",
    "host",
    "ratio",
    "Share of CPU time neither idle nor waiting for I/O, all CPUs (0 to 1).",
  ),
  def("host_load1", "host", "load", "1-minute load average."),
  def("host_memory_used", "host", "bytes", "RAM in use: total minus available."),
  def("host_swap_used", "host", "bytes", "Swap in use."),
  def(
    "host_filesystem_used",
    "filesystem",
    "bytes",
    "Used bytes of the file system holding a configured path (df's Used).",
  ),
  def(
    "host_disk_read_rate",
    "host",
    "bytes_per_second",
    "Bytes read per second from disks (stacked devices not counted twice).",
  ),
  def("host_disk_write_rate", "host", "bytes_per_second", "Bytes written per second to disks."),
  def(
    "host_network_receive_rate",
    "host",
    "bytes_per_second",
    "Bytes received per second on the network interfaces (loopback left out).",
  ),
  def(
    "host_network_transmit_rate",
    "host",
    "bytes_per_second",
    "Bytes sent per second on the network interfaces.",
  ),
];

/** The definition of a series by name. */
export const SERIES_BY_NAME: ReadonlyMap<string, SeriesDefinition> = new Map(
  SERIES.map((s) => [s.name, s]),
);

/**
 * One instance of a series, as the archive keys it: the target ("" for host series), the
 * series name, and the tracker or path ("" when the scope has none).
 */
export interface SeriesKey {
  readonly target: string;
  readonly series: string;
  readonly key: string;
}

/** One value of one series instance at a sample time. */
export interface SeriesSample extends SeriesKey {
  readonly value: number;
}
