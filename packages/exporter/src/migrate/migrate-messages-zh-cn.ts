// The Simplified Chinese words of `seedwatch migrate pt-exporter`: comments in the seedwatch.yml it prints, and its errors.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: seedwatch.yml's own ${VAR} syntax, written as text

import type { Message } from "../web/i18n/message-format.ts";
import type { MigrateMessageKey } from "./migrate-messages-en.ts";

/** Every message of the pt-exporter migration, in Simplified Chinese. */
export const MIGRATE_ZH_CN: Readonly<Record<MigrateMessageKey, Message>> = {
  "head.title":
    "seedwatch.yml，由 `seedwatch migrate pt-exporter` 从 pt-exporter 的 {file} 转换而来。",
  "head.check": "检查配置：seedwatch --config.check --config.file=seedwatch.yml",
  "head.metrics":
    "pt_* 指标名称不变；有哪些变化（name 标签、Transmission 的 client 标签）见 README.zh-CN.md 的“从 pt-exporter 迁移”一节。",
  "flag.listen":
    "config.listen: {listen}。seedwatch 默认监听 :8742；要让 Prometheus 继续抓取原地址，请这样运行：seedwatch --web.listen-address={listen}",
  "flag.listenDefault":
    "pt-exporter 监听的是 :9200（未设置 config.listen）。seedwatch 默认监听 :8742；要保留 :9200，请这样运行：seedwatch --web.listen-address=:9200",
  "flag.logLevel": "config.logLevel: {level}。请用 --log.level={flag} 运行 seedwatch",
  "key.timeout": "config.timeout: {seconds}（秒）",
  "key.noTimeout":
    "config.timeout: {value}：pt-exporter 因此不限请求时间；seedwatch 总有时间上限（默认 10s）",
  "key.categoryAsTracker": "config.UseCategoryAsTracker",
  "key.rewrite": "config.rewrite（键名已转为小写，与 pt-exporter 读取的一致）",
  "key.rewriteEnv": "config.rewrite: {host}：未转换，其中含有 ${...}，seedwatch 会把它当作环境变量",
  "key.rewriteEmpty": "config.rewrite: {host}：未转换，seedwatch 要求主机名和名称都不为空",
  "key.downloaderExporter":
    "config.downloader-exporter: true。pt-exporter 开启后用 downloader_* 取代 pt_*；seedwatch 则在 pt_* 之外同时输出 downloader_*",
  "key.lang":
    "config.lang: {value}：pt-exporter 的中文状态名（上传中、等待等），用在 pt_torrents_count 和 downloader_torrents_count 上",
  "key.langEnglish":
    "config.lang: {value}：lang 不是 zh 时 pt-exporter 写英文状态名（Uploading、Stalled 等）",
  "key.langDefault":
    "没有设置 config.lang：pt-exporter 默认 zh，写中文状态名（上传中、等待等）；想要英文就改成 en",
  "key.default":
    "config.default（{keys}）：pt-exporter 从未读取；其中的 max-up-speed 和 max-down-speed 用于下面没有单独设置的客户端（0 表示不设置）",
  "key.maxSpeed":
    "config.{key}: {value}：seedwatch 按目标设置，已写成下面每个没有单独设置的客户端的 {target}",
  "key.maxSpeedLeftOut":
    "config.{key}: {value}：未转换：值为 0，或不是带宽（1Gbps、100Mbps，或每秒字节数）",
  "key.unknown": "config.{key}：不是 pt-exporter 的配置项（pt-exporter 也会忽略）",
  "target.name": "pt-exporter 的 name 标签：键名 {key} 转为大写",
  "target.renamed":
    "pt-exporter 的 name 标签原为 {label}；seedwatch 的名称只能包含字母、数字和 '.'、'_'、'-'",
  "target.twice": "键 {key} 出现了不止一次（pt-exporter 的键名不区分大小写）：以最后一个为准",
  "target.urlScheme": "host: {host} 没有协议头：按 http:// 处理",
  "target.transmissionUrl":
    "host: {host}。pt-exporter 用明文 HTTP 访问这个主机和端口（未写端口时为 80）的 /transmission/rpc",
  "target.urlCredentials": "host：URL 中的用户名和密码已移到 username 和 password",
  "target.badUrl": "host: {host} 不是有效的 URL；请修改 url",
  "target.noHost": "没有 host：pt-exporter 无法采集这个客户端；请填写 url",
  "target.password": "也可以写成 ${ENV_VAR} 或 password_file: PATH，避免把密码留在这个文件里",
  "target.passwordEnv":
    "密码中含有 ${...}，seedwatch 会把它当作环境变量：请把密码放进环境变量 {variable}",
  "target.maxSpeed":
    "{key}: {value}，单位是比特每秒：{metric} 为每秒 {bytes} 字节（pt-exporter 本身从未读取这个键）",
  "target.maxSpeedZero": "{key}: {value}：值为 0 时不输出（与 pt-exporter 相同）",
  "target.maxSpeedFrom": "来自 {from}：每秒 {bytes} 字节",
  "target.maxSpeedLeftOut": "{key}: {value}：未转换，不是带宽（1Gbps、100Mbps，或每秒字节数）",
  "target.unknown": "{key}：不是 pt-exporter 的配置项（pt-exporter 也会忽略）",
  "target.unsupported":
    "{key}：pt-exporter 不采集 type 为 {type} 的客户端（只支持 qbittorrent、transmission），因此未转换。seedwatch 还支持 deluge、rtorrent：见 docs/clients",
  "target.notClient": "{key}：不是客户端配置（需要含 type 和 host 的映射），未转换",
  help: `用法：seedwatch migrate pt-exporter [--lang=en|zh-CN] [文件]

把 pt-exporter 的配置文件（默认是 config.yaml，即 pt-exporter 读取的位置）转换成等效的
seedwatch.yml 并打印出来：每个客户端成为一个 target，config 中的设置成为 global 下的键，
没有对应项的键保留为注释并注明原因。

  --lang=语言   注释所用的语言：en 或 zh-CN（默认取自 LC_ALL、LC_MESSAGES 或 LANG，否则为 en）
  --help        显示本帮助

示例：seedwatch migrate pt-exporter config.yaml > seedwatch.yml
`,
  "error.read": "无法读取 {file}（{code}）",
  "error.tooLarge": "{file} 超过了 {limit}",
  "error.yaml": "{file}:{line}:{col}：YAML 语法错误：{problem}",
  "error.notMap": "{file}：应为 pt-exporter 的 config.yaml：包含 config 键，以及每个客户端一个键",
  "error.noClient": "{file}：没有可转换的客户端（pt-exporter 采集 config 以外的每个键）",
};
