// The remote-API errors, now in net/errors.ts, under their old path for the rtorrent XML-RPC and transport files.
//
// Those files are being split on another branch (issue 16, item 7) and still import this path; once
// they import ../../net/errors.ts, delete this file.

export * from "../net/errors.ts";
