// Parses Prometheus-style listen addresses: ":8742", "127.0.0.1:8742", "[::1]:8742".

/** A host (undefined = every interface) and a port. */
export interface ListenAddress {
  readonly host: string | undefined;
  readonly port: number;
}

/** Parses a listen address; throws with the expected form on bad input. */
export function parseListenAddress(address: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(address);
  const port = Number(match?.[3]);
  if (match === null || port > 65535) {
    throw new Error(
      `invalid listen address ${JSON.stringify(address)}: expected [host]:port, e.g. :8742 or 127.0.0.1:8742`,
    );
  }
  const host = match[1] ?? match[2];
  return { host: host === "" ? undefined : host, port };
}
