import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { isEntryPoint } from './process.ts';

/** What the relay keeps for a browser that connects late (as @statelyai/inspect/server does). */
const BUFFERED_MESSAGES = 200;
const INSPECTOR_UI = 'https://stately.ai/inspect';

/** The page that shows Stately's inspector in a frame and posts it every message the relay gets. */
function bridgePage(wsUrl: string) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Stately inspector (development)</title>
<style>html,body{height:100%;margin:0}iframe{width:100%;height:100%;border:0}</style>
</head>
<body>
<iframe id="inspector" src="${INSPECTOR_UI}"></iframe>
<script>
  const frame = document.getElementById('inspector');
  const waiting = [];
  let connected = false;
  window.addEventListener('message', (event) => {
    if (event.data && event.data.type === '@statelyai.connected') {
      connected = true;
      for (const data of waiting.splice(0)) frame.contentWindow.postMessage(data, '*');
    }
  });
  const socket = new WebSocket(${JSON.stringify(wsUrl)});
  socket.onmessage = (event) => {
    const data = JSON.parse(event.data);
    if (connected) frame.contentWindow.postMessage(data, '*');
    else waiting.push(data);
  };
</script>
</body>
</html>`;
}

export type InspectorRelay = {
  /** Where the server's INSPECT_URL points (ws://127.0.0.1:<port>). */
  wsUrl: string;
  /** The page to open in a browser (it frames stately.ai/inspect, so it needs the internet). */
  pageUrl: string;
  close(): Promise<void>;
};

/**
 * The Stately inspector's relay, like `createInspectorServer` from `@statelyai/inspect/server` but
 * bound to 127.0.0.1 only (the snapshots it relays hold families' answers): every message a
 * client sends goes to every other client, and the last 200 to each newcomer.
 */
export async function startInspectorRelay({
  port = 8080,
  host = '127.0.0.1',
}: { port?: number; host?: string } = {}): Promise<InspectorRelay> {
  let wsUrl = '';
  const http: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(bridgePage(wsUrl));
  });
  const sockets = new WebSocketServer({ server: http });
  const buffered: string[] = [];
  sockets.on('connection', (socket: WebSocket) => {
    for (const message of buffered) socket.send(message);
    socket.on('message', (data: Buffer) => {
      const message = data.toString();
      buffered.push(message);
      if (buffered.length > BUFFERED_MESSAGES) buffered.shift();
      for (const client of sockets.clients) {
        if (client !== socket && client.readyState === WebSocket.OPEN) client.send(message);
      }
    });
  });
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolve(http.address() as AddressInfo));
  });
  wsUrl = `ws://${host}:${address.port}`;
  return {
    wsUrl,
    pageUrl: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close(() => http.close(() => resolve()));
      }),
  };
}

/** `npm run inspect [-- --port 8080]`: the relay, until Ctrl-C. */
async function main() {
  const at = process.argv.indexOf('--port');
  const port = at > 0 ? Number(process.argv[at + 1]) : 8080;
  const relay = await startInspectorRelay({ port });
  process.stdout.write(
    [
      `Inspector relay on ${relay.wsUrl} (this machine only).`,
      `1. Start the server with NODE_ENV=development INSPECT_URL=${relay.wsUrl} npm start`,
      `2. Open ${relay.pageUrl} in a browser (it shows stately.ai/inspect, so it needs the internet)`,
      '3. Chat at http://localhost:8000/ and watch each session actor in the inspector.',
      '',
    ].join('\n'),
  );
  const stop = () => void relay.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (isEntryPoint(import.meta.url)) await main();
