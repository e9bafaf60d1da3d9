/** The few parts of `ws` (v8) this project uses; the package ships no types of its own. */
declare module 'ws' {
  import type { EventEmitter } from 'node:events';
  import type { Server } from 'node:http';

  export class WebSocket extends EventEmitter {
    constructor(url: string);
    static readonly OPEN: 1;
    readonly readyState: number;
    send(data: string): void;
    close(): void;
    terminate(): void;
  }

  export class WebSocketServer extends EventEmitter {
    constructor(options: { server: Server } | { port: number; host?: string });
    readonly clients: Set<WebSocket>;
    close(callback?: () => void): void;
  }
}
