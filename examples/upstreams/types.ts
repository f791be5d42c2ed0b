/** A running example upstream: where it listens, what it was asked, how to stop it. */
export interface UpstreamServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:4101`. */
  url: string;
  /** Every request received, in arrival order (the raw request target: path and query). */
  requests: { method: string; url: string }[];
  /** Stops listening and closes every open connection, keep-alive ones included. */
  close(): Promise<void>;
}

export interface UpstreamOptions {
  /** 0 (the default) lets the OS choose a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
}
